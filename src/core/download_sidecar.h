// The JSON file beside a partial download ("<name>.part.json").
//
// It records what the .part holds, so a later run (after a pause, a crash or a
// reboot) resumes only when it is the same file at the same revision, and
// starts over otherwise. Example:
//   {"url": "https://huggingface.co/o/r/resolve/<sha>/m.gguf", "repo": "o/r",
//    "revision": "<commit sha>", "path": "m.gguf", "size": 4920734016,
//    "sha256": "<hex>", "bytes_done": 1048576}
#pragma once

#include <QString>
#include <optional>

namespace Hearth {

struct DownloadSidecar {
    QString url;
    QString repo;
    QString revision;
    QString path;
    qint64 size = -1;  // -1 when unknown
    QString sha256;
    qint64 bytesDone = 0;  // advisory; the .part's real length is what resumes

    // Same url, revision, expected size and sha256.
    bool sameFileAs(const DownloadSidecar & other) const;

    // nullopt when the file is missing or not a sidecar.
    static std::optional<DownloadSidecar> read(const QString & sidecarPath);
    bool write(const QString & sidecarPath) const;  // atomic (QSaveFile)
};

}  // namespace Hearth
