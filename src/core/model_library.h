// The models on this machine: GGUF files under one or more folders.
//
// A scan reads each file's metadata (hearth::GgufFile, memory-mapped, so only
// the header pages are touched): architecture, parameter count, quant,
// context length, chat template, and the memory planner's footprint (shapes
// and tensor sizes, hearth::footprint_from_gguf over every shard).
// Shards "-0000N-of-0000M.gguf" are one model. A file that cannot be read is
// listed with its error rather than hidden, so the user can delete it.
#pragma once

#include <QString>
#include <QStringList>

#include "hearth/memory_planner.h"

namespace Hearth {

struct LocalModel {
    QString name;       // file name without ".gguf" and the shard suffix
    QString path;       // the file to load: the first shard
    QStringList files;  // every shard, in order
    qint64 sizeBytes = 0;
    QString architecture;
    qint64 parameterCount = 0;
    QString quant;          // "Q4_K_M"
    int contextLength = 0;  // the training context
    bool hasChatTemplate = false;
    bool isProjector = false;
    bool complete = true;  // every shard is present
    // What plan_memory needs; valid when hasFootprint. A model the engine
    // cannot run has `error` set instead; a malformed footprint (a tensor of a
    // layer past block_count) has footprintError.
    hearth::ModelFootprint footprint;
    bool hasFootprint = false;
    QString footprintError;
    QString error;  // why the metadata could not be read; empty when fine
};

enum class ImportMode { Link, Copy };

class ModelLibrary {
public:
    explicit ModelLibrary(QStringList dirs = {});  // empty: Hearth::defaultModelsDir()

    QStringList dirs() const { return m_dirs; }
    void setDirs(const QStringList & dirs);

    // Every model under the folders (recursively), sorted by name. Never throws.
    QList<LocalModel> scan() const;

    // Metadata of one model given its files (shards in order). Never throws.
    static LocalModel inspect(const QStringList & files);

    // Puts a .gguf (all its shards) into the first folder, as a symlink or a
    // copy. The source must be a readable GGUF. Returns the new model's path.
    bool importModel(const QString & source, ImportMode mode, QString * error, QString * importedPath = nullptr) const;

    // Deletes the model's files (a symlink is removed, not its target).
    static bool removeModel(const LocalModel & model, QString * error);

private:
    QStringList m_dirs;
};

}  // namespace Hearth
