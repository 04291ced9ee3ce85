// Truncations and byte flips of real GGUF files: every variant must either
// parse (and then give views that stay inside the bytes) or throw
// hearth::Error. Never a crash, never another exception (bad_alloc would mean
// a count from the file was trusted).
//
// The same source is built twice: plainly (label model) and with
// AddressSanitizer + UndefinedBehaviorSanitizer (label fuzz), where any
// out-of-bounds read or overflow aborts the test.
//
// Parsing costs time linear in the bytes before the failure point, so the
// small headers (stories260K, a synthetic model) are truncated at every byte,
// while the multi-megabyte vocabularies are truncated at sampled points.
#include <QtTest>
#include <chrono>
#include <cstring>
#include <random>

#include "common/fixtures.h"
#include "hearth/error.h"
#include "hearth/gguf.h"

using namespace hearth;

namespace {

// A view of caller-owned bytes, so truncations and flips need no copies.
class ViewBytes final : public ByteSource {
public:
    ViewBytes(const uint8_t * p, size_t n) : m_p(p), m_n(n) {}
    const uint8_t * data() const override { return m_p; }
    size_t size() const override { return m_n; }

private:
    const uint8_t * m_p;
    size_t m_n;
};

struct Outcome {
    bool parsed = false;
    std::string other;  // a non-hearth exception: always a test failure
};

volatile uint8_t g_sink;

Outcome probe(const uint8_t * p, size_t n) {
    Outcome o;
    try {
        GgufFile f = GgufFile::parse(std::make_shared<ViewBytes>(p, n), "probe");
        // Use what was parsed: every view must lie inside the bytes (ASan checks the reads).
        for (const GgufKv & kv : f.metadata()) (void)kv.value.to_string(4);
        uint8_t acc = 0;
        for (const GgufTensor & t : f.tensors()) {
            if (t.data < p || t.data + t.n_bytes > p + n) {
                o.other = "tensor view outside the bytes";
                return o;
            }
            if (t.n_bytes > 0) acc ^= t.data[0] ^ t.data[t.n_bytes - 1];
        }
        g_sink = acc;
        o.parsed = true;
    } catch (const Error &) {
    } catch (const std::exception & e) {
        o.other = e.what();
    }
    return o;
}

// Where the header, metadata and tensor infos end, and where the last tensor's bytes end.
struct Layout {
    size_t data_offset = 0;
    size_t data_end = 0;
};

Layout layout_of(const std::vector<uint8_t> & bytes) {
    GgufFile f = GgufFile::parse(std::make_shared<ViewBytes>(bytes.data(), bytes.size()), "layout");
    Layout l;
    l.data_offset = f.data_offset();
    l.data_end = 0;
    for (const GgufTensor & t : f.tensors())
        l.data_end = std::max(l.data_end, f.data_offset() + static_cast<size_t>(t.offset) + t.n_bytes);
    // Without tensors, the bytes that matter end with the last tensor info, at
    // most alignment-1 bytes before the data offset.
    if (f.tensors().empty()) l.data_end = f.data_offset() >= f.alignment() ? f.data_offset() - f.alignment() + 1 : 0;
    return l;
}

}  // namespace

class GgufRobustnessTest : public QObject {
    Q_OBJECT

private:
    // Truncates at each of `cuts`; below `must_fail` a parse is a bug.
    void truncate(const std::vector<uint8_t> & bytes, const std::vector<size_t> & cuts, size_t must_fail,
                  const char * name) {
        size_t parsed = 0;
        for (size_t cut : cuts) {
            Outcome o = probe(bytes.data(), cut);
            if (!o.other.empty())
                QFAIL(qPrintable(QString("%1 cut at %2: %3").arg(name).arg(cut).arg(o.other.c_str())));
            if (o.parsed && cut < must_fail)
                QFAIL(qPrintable(QString("%1 cut at %2 of %3 parsed").arg(name).arg(cut).arg(bytes.size())));
            parsed += o.parsed;
        }
        qInfo("%s: %zu truncations, %zu parsed (only in trailing padding)", name, cuts.size(), parsed);
    }

    // Flips `count` bytes at pseudo-random positions in [lo, hi), one at a time,
    // and also overwrites 8-byte windows with extreme values (lying lengths/counts).
    void flip(std::vector<uint8_t> & bytes, size_t lo, size_t hi, int count, uint64_t seed, const char * name) {
        std::mt19937_64 rng(seed);
        int parsed = 0;
        for (int i = 0; i < count; ++i) {
            size_t at = lo + static_cast<size_t>(rng() % (hi - lo));
            uint8_t saved[8];
            size_t width = std::min<size_t>(8, bytes.size() - at);
            std::memcpy(saved, &bytes[at], width);
            uint64_t r = rng();
            switch (i % 4) {
                case 0:
                case 1:
                    bytes[at] ^= static_cast<uint8_t>((r & 0xFF) | 1);
                    break;  // never a no-op
                case 2:
                    bytes[at] ^= static_cast<uint8_t>(1u << (r & 7));
                    break;
                default: {
                    static const uint64_t kExtreme[] = {~0ull, 1ull << 63, 1ull << 60, 1ull << 32, 0, 0x7FFFFFFFull};
                    uint64_t v = kExtreme[r % 6];
                    std::memcpy(&bytes[at], &v, width);
                }
            }
            Outcome o = probe(bytes.data(), bytes.size());
            std::memcpy(&bytes[at], saved, width);
            if (!o.other.empty())
                QFAIL(qPrintable(QString("%1 flip %2 at %3: %4").arg(name).arg(i).arg(at).arg(o.other.c_str())));
            parsed += o.parsed;
        }
        qInfo("%s: %d corruptions in [%zu, %zu), %d still parsed", name, count, lo, hi, parsed);
    }

private slots:
    void stories260KEveryHeaderTruncation();
    void syntheticEveryHeaderTruncation();
    void vocabularySampledTruncations();
    void byteFlips();
    void parseTimeOfTheBiggestVocabulary();
};

void GgufRobustnessTest::stories260KEveryHeaderTruncation() {
    std::vector<uint8_t> bytes = hearth_test::read_bytes(HEARTH_FIXTURE("models/stories260K.gguf"));
    Layout l = layout_of(bytes);
    std::vector<size_t> cuts;
    for (size_t c = 0; c <= l.data_offset; ++c) cuts.push_back(c);
    std::mt19937_64 rng(260);
    for (int i = 0; i < 512; ++i) cuts.push_back(l.data_offset + rng() % (bytes.size() - l.data_offset));
    truncate(bytes, cuts, l.data_end, "stories260K");
    QVERIFY(probe(bytes.data(), bytes.size()).parsed);
}

void GgufRobustnessTest::syntheticEveryHeaderTruncation() {
    std::vector<uint8_t> bytes = hearth_test::read_bytes(HEARTH_FIXTURE("models/synthetic/qwen3-Q4_K_M.gguf"));
    Layout l = layout_of(bytes);
    std::vector<size_t> cuts;
    for (size_t c = 0; c <= l.data_offset; ++c) cuts.push_back(c);
    std::mt19937_64 rng(3);
    for (int i = 0; i < 256; ++i) cuts.push_back(l.data_offset + rng() % (bytes.size() - l.data_offset));
    truncate(bytes, cuts, l.data_end, "qwen3-Q4_K_M");
}

void GgufRobustnessTest::vocabularySampledTruncations() {
    for (const char * rel : {"vocab/ggml-vocab-gpt-2.gguf", "vocab/ggml-vocab-qwen2.gguf"}) {
        std::vector<uint8_t> bytes = hearth_test::read_bytes(HEARTH_FIXTURE(rel));
        Layout l = layout_of(bytes);
        std::vector<size_t> cuts;
        // Every byte of the header and first keys, every byte of the tail, and a sample between.
        for (size_t c = 0; c < 2048; ++c) cuts.push_back(c);
        for (size_t c = bytes.size() - 256; c < bytes.size(); ++c) cuts.push_back(c);
        std::mt19937_64 rng(bytes.size());
        for (int i = 0; i < 150; ++i) cuts.push_back(rng() % bytes.size());
        truncate(bytes, cuts, l.data_end, rel);
    }
}

void GgufRobustnessTest::byteFlips() {
    std::vector<uint8_t> stories = hearth_test::read_bytes(HEARTH_FIXTURE("models/stories260K.gguf"));
    Layout ls = layout_of(stories);
    flip(stories, 0, ls.data_offset, 6000, 1, "stories260K header");
    flip(stories, 0, 24, 400, 2, "stories260K counts");
    flip(stories, ls.data_offset, stories.size(), 200, 3, "stories260K data");

    std::vector<uint8_t> qwen3 = hearth_test::read_bytes(HEARTH_FIXTURE("models/synthetic/qwen3-Q4_K_M.gguf"));
    Layout lq = layout_of(qwen3);
    // The tensor infos sit at the end of the header: corrupt them harder.
    size_t infos = lq.data_offset > 2048 ? lq.data_offset - 2048 : 0;
    flip(qwen3, infos, lq.data_offset, 3000, 4, "qwen3 tensor infos");
    flip(qwen3, 0, lq.data_offset, 1000, 5, "qwen3 header");

    std::vector<uint8_t> gpt2 = hearth_test::read_bytes(HEARTH_FIXTURE("vocab/ggml-vocab-gpt-2.gguf"));
    flip(gpt2, 0, gpt2.size(), 150, 6, "gpt-2 vocab");
}

void GgufRobustnessTest::parseTimeOfTheBiggestVocabulary() {
    // Not a timed assertion (see DESIGN.md): it prints the figure for the record,
    // and checks the parse is complete.
    for (const char * rel : {"vocab/ggml-vocab-llama-bpe.gguf", "vocab/ggml-vocab-qwen2.gguf"}) {
        const std::string path = HEARTH_FIXTURE(rel);
        double best_ms = 1e9;
        size_t items = 0;
        for (int i = 0; i < 5; ++i) {
            auto t0 = std::chrono::steady_clock::now();
            GgufFile f = GgufFile::open(path);
            auto t1 = std::chrono::steady_clock::now();
            best_ms = std::min(best_ms, std::chrono::duration<double, std::milli>(t1 - t0).count());
            items =
                f.get_array("tokenizer.ggml.tokens")->items.size() + f.get_array("tokenizer.ggml.merges")->items.size();
        }
        qInfo("GgufFile::open(%s): %.2f ms (best of 5), %zu tokens + merges", rel, best_ms, items);
        QVERIFY(items > 250000);
    }
}

QTEST_APPLESS_MAIN(GgufRobustnessTest)
#include "test_gguf_robustness.moc"
