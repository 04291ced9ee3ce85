// libFuzzer target for the GGUF parser (built with clang -fsanitize=fuzzer,address,undefined).
//
// Property checked on every input: GgufFile::parse either throws hearth::Error
// or returns views inside the input; and what it parsed survives a round trip
// through GgufWriter unchanged. Any other exception escapes and is reported as
// a crash, as are sanitizer findings and allocations above -malloc_limit_mb.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "hearth/error.h"
#include "hearth/gguf.h"
#include "hearth/gguf_writer.h"

namespace {

class ViewBytes final : public hearth::ByteSource {
public:
    ViewBytes(const uint8_t * p, size_t n) : m_p(p), m_n(n) {}
    const uint8_t * data() const override { return m_p; }
    size_t size() const override { return m_n; }

private:
    const uint8_t * m_p;
    size_t m_n;
};

[[noreturn]] void broken(const char * what) {
    std::fprintf(stderr, "gguf_fuzzer: property violated: %s\n", what);
    std::abort();
}

void round_trip(const hearth::GgufFile & f) {
    hearth::GgufWriter w(f.version());
    for (const hearth::GgufKv & kv : f.metadata()) w.add(kv.key, kv.value);
    for (const hearth::GgufTensor & t : f.tensors()) {
        std::vector<int64_t> ne(t.ne, t.ne + t.n_dims);
        w.add_tensor(t.name, t.type, ne, t.data, t.n_bytes);
    }
    std::vector<uint8_t> bytes = w.to_bytes();
    hearth::GgufFile g = hearth::GgufFile::parse(hearth::own_bytes(std::move(bytes)), "rewritten");
    if (g.metadata().size() != f.metadata().size() || g.tensors().size() != f.tensors().size())
        broken("counts changed in the round trip");
    for (size_t i = 0; i < f.metadata().size(); ++i) {
        const hearth::GgufKv & a = f.metadata()[i];
        const hearth::GgufKv & b = g.metadata()[i];
        if (a.key != b.key || a.value.type() != b.value.type() ||
            a.value.to_string(1u << 20) != b.value.to_string(1u << 20))
            broken("a metadata value changed in the round trip");
    }
    for (size_t i = 0; i < f.tensors().size(); ++i) {
        const hearth::GgufTensor & a = f.tensors()[i];
        const hearth::GgufTensor & b = g.tensors()[i];
        if (a.name != b.name || a.type != b.type || a.n_dims != b.n_dims || a.n_bytes != b.n_bytes ||
            std::memcmp(a.ne, b.ne, sizeof a.ne) != 0 || (a.n_bytes && std::memcmp(a.data, b.data, a.n_bytes) != 0))
            broken("a tensor changed in the round trip");
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t * data, size_t size) {
    try {
        hearth::GgufFile f = hearth::GgufFile::parse(std::make_shared<ViewBytes>(data, size), "fuzz");
        for (const hearth::GgufTensor & t : f.tensors())
            if (t.data < data || t.data + t.n_bytes > data + size) broken("a tensor view outside the input");
        round_trip(f);
    } catch (const hearth::Error &) {
        // Rejected cleanly: what the parser must do with bad input.
    }
    return 0;
}
