// The code books of quant/iq_grids.h against ggml's tables, and the small
// format rules of quant/blocks_iq.h (even-parity signs, the E8M0 scale).
//
// The hashes are FNV-1a 64 of ggml's tables (ggml-common.h) as bytes, each
// entry little-endian, so one wrong bit in any entry fails the test.
#include <QtTest>
#include <bit>
#include <cmath>

#include "quant/blocks_iq.h"

using namespace hearth;

namespace {

template <typename T, size_t N>
uint64_t fnv1a(const T (&table)[N]) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (T v : table)
        for (size_t b = 0; b < sizeof(T); ++b) {
            h ^= uint64_t(v >> (8 * b)) & 0xff;
            h *= 0x100000001b3ull;
        }
    return h;
}

}  // namespace

class TestIqGrids : public QObject {
    Q_OBJECT

private slots:
    void tablesMatchGgml() {
        const IqGrids & g = kIqGrids;
        QCOMPARE(fnv1a(g.iq2xxs), 0xbb4ee025b5ac6e8eull);
        QCOMPARE(fnv1a(g.iq2xs), 0xc9b1ee61e79909bdull);
        QCOMPARE(fnv1a(g.iq2s), 0x123edd38a3b62b90ull);
        QCOMPARE(fnv1a(g.iq3xxs), 0xdfa5dc83d6a155d5ull);
        QCOMPARE(fnv1a(g.iq3s), 0xfa37020c25b44829ull);
        QCOMPARE(fnv1a(g.iq1s), 0x6703ed863501ae2eull);
        // A few entries as ggml-common.h prints them.
        QCOMPARE(g.iq2xxs[135], 0x1908080808192b08ull);
        QCOMPARE(g.iq2xxs[255], 0x2b2b2b1908081908ull);
        QCOMPARE(g.iq2xs[263], 0x19080808082b1908ull);
        QCOMPARE(g.iq2s[519], 0x1908081919191919ull);
        QCOMPARE(g.iq3xxs[135], 0x142c3e24u);
        QCOMPARE(g.iq3s[263], 0x050b0303u);
        QCOMPARE(g.iq1s[1031], 0x00000000000001ffull);
        QCOMPARE(g.iq1s[2047], 0x0101010101010101ull);
    }

    void evenSigns() {
        // ggml's ksigns_iq2xs[i]: i plus bit 7 set when i has an odd number of bits.
        for (uint32_t a = 0; a < 128; ++a)
            for (uint32_t b : {0u, 1u, 77u, 127u}) {
                const uint32_t s = iq_even_signs4(a | (b << 7) | (a << 14) | ((127 - a) << 21) | (0xfu << 28));
                const uint32_t want0 = a | ((std::popcount(a) & 1u) << 7);
                const uint32_t want1 = b | ((std::popcount(b) & 1u) << 7);
                const uint32_t want3 = (127 - a) | ((std::popcount(127 - a) & 1u) << 7);
                QCOMPARE(s, want0 | (want1 << 8) | (want0 << 16) | (want3 << 24));
            }
    }

    void e8m0Half() {
        for (int e = 0; e < 255; ++e) QCOMPARE(double(e8m0_half(uint8_t(e))), std::ldexp(1.0, e - 128));
    }
};

QTEST_APPLESS_MAIN(TestIqGrids)
#include "test_iq_grids.moc"
