#include "core/model_footprint.h"

#include <sys/mman.h>

#include <algorithm>
#include <charconv>
#include <cstring>

#include "hearth/error.h"

namespace Hearth {

namespace {

constexpr size_t kMaxHeader = 512ull << 20;

// A file of `total` bytes of which only the first `have` are known: a sparse
// anonymous mapping (untouched pages cost nothing), so GgufFile checks tensor
// offsets against the real size without the data being present.
class SparseFile : public hearth::ByteSource {
public:
    SparseFile(const QByteArray & head, size_t total) : m_size(std::max<size_t>(total, 1)) {
        void * p = mmap(nullptr, m_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p == MAP_FAILED)
            throw hearth::Error(hearth::ErrorCode_resources,
                                "cannot reserve " + std::to_string(m_size) + " bytes of address space for the header");
        m_data = static_cast<uint8_t *>(p);
        std::memcpy(m_data, head.constData(), std::min(size_t(head.size()), m_size));
    }
    ~SparseFile() override { munmap(m_data, m_size); }
    SparseFile(const SparseFile &) = delete;
    SparseFile & operator=(const SparseFile &) = delete;
    const uint8_t * data() const override { return m_data; }
    size_t size() const override { return m_size; }

private:
    uint8_t * m_data = nullptr;
    size_t m_size;
};

// Bytes [0, n) of `url` and the file's total size, through one Range request.
QByteArray fetchHead(const QString & url, const HttpOptions & base, size_t n, size_t & total,
                     const std::function<bool()> & keepGoing) {
    HttpOptions opts = base;
    opts.extraHeaders << QByteArray("Range: bytes=0-") + QByteArray::number(qulonglong(n - 1));
    if (opts.stallSeconds <= 0) opts.stallSeconds = 30;
    QByteArray body;
    const HttpResponse r = httpGet(
        url, opts,
        [&](const HttpResponse &, const char * data, size_t size) {
            body.append(data, qsizetype(std::min(size, n - size_t(body.size()))));
            return size_t(body.size()) < n;  // a server that ignores Range is cut off here
        },
        keepGoing);
    const std::string where = url.toStdString();
    if (keepGoing && !keepGoing()) throw hearth::Error(hearth::ErrorCode_cancelled, where + ": cancelled");
    if (!r.transportOk() && !r.aborted)
        throw hearth::Error(hearth::ErrorCode_io, where + ": " + r.curlError.toStdString());
    if (r.status == 206) {
        const QByteArray range = r.header("content-range");  // "bytes 0-N/TOTAL"
        const qsizetype slash = range.lastIndexOf('/');
        bool ok = false;
        total = slash < 0 ? 0 : size_t(range.mid(slash + 1).toULongLong(&ok));
        if (!ok) throw hearth::Error(hearth::ErrorCode_io, where + ": bad Content-Range '" + range.toStdString() + "'");
    } else if (r.status == 200) {
        bool ok = false;
        total = size_t(r.header("content-length").toULongLong(&ok));
        if (!ok) total = size_t(body.size());
    } else {
        throw hearth::Error(hearth::ErrorCode_io, where + ": HTTP " + std::to_string(r.status));
    }
    return body;
}

// "blk.12.attn_q.weight" -> 12; -1 for a tensor outside the layers.
int64_t layerOf(std::string_view name) {
    constexpr std::string_view prefix = "blk.";
    if (name.substr(0, prefix.size()) != prefix) return -1;
    name.remove_prefix(prefix.size());
    int64_t i = -1;
    const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), i);
    return ec == std::errc() && end != name.data() && end < name.data() + name.size() && *end == '.' ? i : -2;
}

// Adds a later shard's tensors to the first shard's footprint.
void addShard(hearth::ModelFootprint & fp, const hearth::GgufFile & shard) {
    for (const hearth::GgufTensor & t : shard.tensors()) {
        const int64_t il = layerOf(t.name);
        if (il >= int64_t(fp.layer_bytes.size()) || il == -2)
            throw hearth::Error(hearth::ErrorCode_model, shard.path() + ": tensor '" + std::string(t.name) +
                                                             "' names a layer outside the model");
        if (il >= 0) {
            fp.layer_bytes[size_t(il)] += t.n_bytes;
        } else if (t.name == "token_embd.weight") {
            fp.embd_bytes += t.n_bytes;
        } else {
            if (t.name == "output.weight" && fp.output_tied) {
                // The first shard looked tied only because the output sits in this one.
                fp.output_tied = false;
                fp.output_bytes -= std::min(fp.output_bytes, fp.embd_bytes);
            }
            fp.output_bytes += t.n_bytes;
        }
    }
}

}  // namespace

hearth::GgufFile openRemoteGguf(const QString & url, const HttpOptions & http, size_t firstBytes,
                                const std::function<bool()> & keepGoing) {
    size_t want = std::max<size_t>(firstBytes, 64);
    for (;;) {
        size_t total = 0;
        const QByteArray head = fetchHead(url, http, want, total, keepGoing);
        const bool complete = size_t(head.size()) >= total;
        // More bytes never help a file that is not GGUF at all.
        if (head.size() >= 4 && !head.startsWith("GGUF"))
            throw hearth::Error(hearth::ErrorCode_format, url.toStdString() + ": not a GGUF file (no GGUF magic)");
        try {
            hearth::GgufFile f = hearth::GgufFile::parse(std::make_shared<SparseFile>(head, total), url.toStdString());
            if (f.data_offset() <= size_t(head.size()) || complete) return f;
            want = f.data_offset();  // it read zeros past the fetched bytes: fetch the whole header
        } catch (const hearth::Error &) {
            if (complete || want >= kMaxHeader) throw;
            want = std::min(want * 2, kMaxHeader);
        }
    }
}

hearth::ModelFootprint remoteFootprint(const QStringList & urls, const HttpOptions & http, size_t firstBytes,
                                       const std::function<bool()> & keepGoing) {
    if (urls.isEmpty()) throw hearth::Error(hearth::ErrorCode_invalid_argument, "no file to plan");
    hearth::ModelFootprint fp = hearth::footprint_from_gguf(openRemoteGguf(urls.front(), http, firstBytes, keepGoing));
    for (qsizetype i = 1; i < urls.size(); ++i) addShard(fp, openRemoteGguf(urls[i], http, firstBytes, keepGoing));
    return fp;
}

hearth::ModelFootprint localFootprint(const QStringList & paths) {
    if (paths.isEmpty()) throw hearth::Error(hearth::ErrorCode_invalid_argument, "no file to plan");
    hearth::ModelFootprint fp = hearth::footprint_from_gguf(hearth::GgufFile::open(paths.front().toStdString()));
    for (qsizetype i = 1; i < paths.size(); ++i) addShard(fp, hearth::GgufFile::open(paths[i].toStdString()));
    return fp;
}

}  // namespace Hearth
