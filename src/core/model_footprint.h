// The memory planner's input (hearth::ModelFootprint) for a model on disk or
// on the Hub, one file or shards. A remote GGUF's header (metadata and tensor
// infos) is read with HTTP Range requests and never the weights, so a 20 GB
// file is planned from a few MiB.
//
// Used by `hearth-cli plan --url`, the Hub browser's fit badge and the model
// settings' plan. Blocking (libcurl, disk): call it from a worker thread.
#pragma once

#include <QString>
#include <QStringList>
#include <cstddef>
#include <functional>

#include "core/hub_http.h"
#include "hearth/gguf.h"
#include "hearth/memory_planner.h"

namespace Hearth {

// Parses the header of the GGUF at `url`: fetches `firstBytes` first, then
// more while the header runs past what was fetched (a 150k-token vocabulary
// takes ~10 MiB), up to 512 MiB. The bytes past the header are never fetched:
// the file is a sparse mapping of its full size, so tensor offsets are still
// checked against it. `http` carries the token (sent to the Hub host only).
// Throws hearth::Error naming the URL on a transport error, an HTTP error or a
// malformed header. `keepGoing` returning false aborts (ErrorCode_cancelled).
hearth::GgufFile openRemoteGguf(const QString & url, const HttpOptions & http, size_t firstBytes = 4u << 20,
                                const std::function<bool()> & keepGoing = {});

// The planner's footprint of a model stored as one file or as shards (in
// order): the first shard's metadata, every shard's tensors. Throws like
// openRemoteGguf, or as footprint_from_gguf for an unsupported model.
hearth::ModelFootprint remoteFootprint(const QStringList & urls, const HttpOptions & http, size_t firstBytes = 4u << 20,
                                       const std::function<bool()> & keepGoing = {});

// The same for local files (the first shard first): headers only, mmapped.
hearth::ModelFootprint localFootprint(const QStringList & paths);

}  // namespace Hearth
