// Quantization and shard names in GGUF file names.
//
// Hub repositories name their files "<model>-<QUANT>.gguf" (Q4_K_M, IQ4_XS,
// UD-Q4_K_XL, BF16 ...) and split large models into
// "<model>-00001-of-00003.gguf" shards. These helpers recognise both, so a
// repository's file list can be shown as one entry per model variant.
#pragma once

#include <QList>
#include <QString>

namespace Hearth {

// The quant type named in a file name, upper-cased ("Q4_K_M"), or "" when none.
// Case-insensitive; the token must stand alone (delimited by '-', '.', '_' or
// the ends), so "IQ4_XS" is never read as "Q4_..".
QString quantFromFileName(const QString & fileName);

// The llama.cpp file type id stored in `general.file_type` as a quant name
// ("Q4_K_M" for 15), or "" for an unknown id.
QString quantFromFileType(int fileType);

struct ShardName {
    QString base;   // the path without "-0000N-of-0000M.gguf" (or without ".gguf")
    int index = 1;  // 1-based
    int count = 1;  // 1 when the file is not split
    bool isShard() const { return count > 1; }
};

// Splits "dir/model-00002-of-00003.gguf" into {"dir/model", 2, 3}.
ShardName parseShardName(const QString & path);

// The file name of shard `index` of `count` for `base` ("model-00002-of-00003.gguf").
QString shardFileName(const QString & base, int index, int count);

// True for GGUF files that hold a vision projector rather than a language model.
bool isProjectorFile(const QString & fileName);

}  // namespace Hearth
