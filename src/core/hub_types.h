// Plain data the hub client returns: search hits, repository files, and GGUF
// files grouped into model variants (one entry per quant, shards together).
#pragma once

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

namespace Hearth {

struct HubError {
    int httpStatus = 0;  // 0 for transport failures
    QString message;     // for the user; empty when there was no error
    bool isError() const { return !message.isEmpty(); }
};

template <typename T>
struct HubResult {
    T value{};
    HubError error;
    bool ok() const { return !error.isError(); }
};

struct HubModelSummary {
    QString id;  // "owner/name"
    qint64 downloads = 0;
    qint64 likes = 0;
    QDateTime lastModified;  // invalid when the reply had none
    QStringList tags;
    QString gated;  // "" / "auto" / "manual" (the API sends false or a string)
    bool isPrivate = false;
    QString pipelineTag;
};

enum class HubSort { Downloads, Likes, LastModified, Trending };

struct HubSearchQuery {
    QString text;
    HubSort sort = HubSort::Downloads;
    int limit = 20;
};

struct HubFile {
    QString path;
    qint64 size = 0;
    QString sha256;  // from lfs.oid; empty for files kept in git rather than LFS
    QString gitOid;
};

// A GGUF model in a repository: one file, or all shards of a split file.
struct HubModelFile {
    QString name;          // display name: the path without shard suffix and ".gguf"
    QString quant;         // "Q4_K_M", or "" when the name does not say
    QList<HubFile> files;  // shards in order
    int shardCount = 1;
    bool complete = true;  // every shard of the split is present
    bool isProjector = false;
    qint64 totalSize() const {
        qint64 n = 0;
        for (const HubFile & f : files) n += f.size;
        return n;
    }
};

}  // namespace Hearth
