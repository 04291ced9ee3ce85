#include "quant_reference.h"

#include <cmath>
#include <cstring>

namespace quant_ref {

using hearth::TensorType;

namespace {

const int kIq4nl[16] = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

uint32_t u32(const uint8_t * p) {
    return p[0] | (p[1] << 8) | (p[2] << 16) | (uint32_t(p[3]) << 24);
}

uint16_t half_bits(float f) {
    // Nearest half of f (|f| < 65504), independent of the engine's converter.
    if (f == 0.0f) return 0;
    const uint16_t sign = f < 0 ? 0x8000 : 0;
    if (std::fabs(f) < 6.103515625e-05f)  // subnormal: a multiple of 2^-24
        return static_cast<uint16_t>(sign | std::lround(std::fabs(static_cast<double>(f)) * 16777216.0));
    int e;
    const double m = std::frexp(std::fabs(static_cast<double>(f)), &e);  // f = m 2^e, m in [0.5, 1)
    const int exp = e - 1 + 15;
    const int mant = static_cast<int>(std::lround((m * 2.0 - 1.0) * 1024.0));
    return static_cast<uint16_t>(sign | (exp << 10) | (mant & 0x3ff)) + (mant == 1024 ? 0x400 : 0);
}

// 32-element legacy blocks: `lo4(j)` gives the 4-bit part of element j.
int nib(const uint8_t * qs, int j) {
    return j < 16 ? (qs[j] & 15) : (qs[j - 16] >> 4);
}

void deq_q4_0(const uint8_t * p, double * y) {
    for (int j = 0; j < 32; ++j) y[j] = half_to_double(p) * (nib(p + 2, j) - 8);
}
void deq_q4_1(const uint8_t * p, double * y) {
    for (int j = 0; j < 32; ++j) y[j] = half_to_double(p) * nib(p + 4, j) + half_to_double(p + 2);
}
void deq_q5_0(const uint8_t * p, double * y) {
    const uint32_t qh = u32(p + 2);
    for (int j = 0; j < 32; ++j)
        y[j] = half_to_double(p) * (static_cast<int>(nib(p + 6, j) | (((qh >> j) & 1) << 4)) - 16);
}
void deq_q5_1(const uint8_t * p, double * y) {
    const uint32_t qh = u32(p + 4);
    for (int j = 0; j < 32; ++j)
        y[j] = half_to_double(p) * (nib(p + 8, j) | (((qh >> j) & 1) << 4)) + half_to_double(p + 2);
}
void deq_q8_0(const uint8_t * p, double * y) {
    for (int j = 0; j < 32; ++j) y[j] = half_to_double(p) * static_cast<int8_t>(p[2 + j]);
}
void deq_iq4_nl(const uint8_t * p, double * y) {
    for (int j = 0; j < 32; ++j) y[j] = half_to_double(p) * kIq4nl[nib(p + 2, j)];
}

// ggml's loop order: two halves of 128, four 2-bit planes of 32, two scale groups of 16.
void deq_q2_K(const uint8_t * p, double * y) {
    const uint8_t * sc = p;
    const double d = half_to_double(p + 80), dmin = half_to_double(p + 82);
    int is = 0;
    for (int half = 0; half < 2; ++half) {
        const uint8_t * q = p + 16 + 32 * half;
        for (int plane = 0; plane < 4; ++plane) {
            for (int g = 0; g < 2; ++g, ++is)
                for (int l = 0; l < 16; ++l)
                    *y++ = d * (sc[is] & 15) * ((q[16 * g + l] >> (2 * plane)) & 3) - dmin * (sc[is] >> 4);
        }
    }
}

void deq_q3_K(const uint8_t * p, double * y) {
    const uint8_t * hm = p;
    const uint8_t * s = p + 96;
    const double d = half_to_double(p + 108);
    // The 12 scale bytes as ggml unpacks them: four u32 words, masks 0x0f0f0f0f / 0x03030303.
    uint32_t a[3] = {u32(s), u32(s + 4), u32(s + 8)};
    uint32_t w[4];
    w[0] = (a[0] & 0x0f0f0f0f) | (((a[2] >> 0) & 0x03030303) << 4);
    w[1] = (a[1] & 0x0f0f0f0f) | (((a[2] >> 2) & 0x03030303) << 4);
    w[2] = ((a[0] >> 4) & 0x0f0f0f0f) | (((a[2] >> 4) & 0x03030303) << 4);
    w[3] = ((a[1] >> 4) & 0x0f0f0f0f) | (((a[2] >> 6) & 0x03030303) << 4);
    int8_t scales[16];
    std::memcpy(scales, w, 16);
    int is = 0, bit = 0;
    for (int half = 0; half < 2; ++half) {
        const uint8_t * q = p + 32 + 32 * half;
        for (int plane = 0; plane < 4; ++plane, ++bit)
            for (int g = 0; g < 2; ++g, ++is)
                for (int l = 0; l < 16; ++l) {
                    const int k = 16 * g + l;
                    const int v = ((q[k] >> (2 * plane)) & 3) - ((hm[k] >> bit) & 1 ? 0 : 4);
                    *y++ = d * (scales[is] - 32) * v;
                }
    }
}

void scale_min_k4(int j, const uint8_t * q, int & d, int & m) {
    if (j < 4) {
        d = q[j] & 63;
        m = q[j + 4] & 63;
    } else {
        d = (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4);
        m = (q[j + 4] >> 4) | ((q[j - 0] >> 6) << 4);
    }
}

void deq_q45_K(const uint8_t * p, double * y, bool five) {
    const double d = half_to_double(p), dmin = half_to_double(p + 2);
    const uint8_t * sc = p + 4;
    const uint8_t * qh = p + 16;
    const uint8_t * ql = p + (five ? 48 : 16);
    for (int g = 0; g < 4; ++g) {
        int s0, m0, s1, m1;
        scale_min_k4(2 * g, sc, s0, m0);
        scale_min_k4(2 * g + 1, sc, s1, m1);
        for (int l = 0; l < 32; ++l) {
            const int hi = five ? ((qh[l] >> (2 * g)) & 1) << 4 : 0;
            y[64 * g + l] = d * s0 * ((ql[32 * g + l] & 15) + hi) - dmin * m0;
        }
        for (int l = 0; l < 32; ++l) {
            const int hi = five ? ((qh[l] >> (2 * g + 1)) & 1) << 4 : 0;
            y[64 * g + 32 + l] = d * s1 * ((ql[32 * g + l] >> 4) + hi) - dmin * m1;
        }
    }
}

void deq_q6_K(const uint8_t * p, double * y) {
    const double d = half_to_double(p + 208);
    for (int half = 0; half < 2; ++half) {
        const uint8_t * ql = p + 64 * half;
        const uint8_t * qh = p + 128 + 32 * half;
        const int8_t * sc = reinterpret_cast<const int8_t *>(p + 192 + 8 * half);
        double * o = y + 128 * half;
        for (int l = 0; l < 32; ++l) {
            const int is = l / 16;
            o[l] = d * sc[is] * (((ql[l] & 15) | (((qh[l] >> 0) & 3) << 4)) - 32);
            o[l + 32] = d * sc[is + 2] * (((ql[l + 32] & 15) | (((qh[l] >> 2) & 3) << 4)) - 32);
            o[l + 64] = d * sc[is + 4] * (((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32);
            o[l + 96] = d * sc[is + 6] * (((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32);
        }
    }
}

void deq_iq4_xs(const uint8_t * p, double * y) {
    const double d = half_to_double(p);
    const int sh = p[2] | (p[3] << 8);
    for (int ib = 0; ib < 8; ++ib) {
        const int ls = ((p[4 + ib / 2] >> (4 * (ib % 2))) & 15) | (((sh >> (2 * ib)) & 3) << 4);
        for (int j = 0; j < 32; ++j) y[32 * ib + j] = d * (ls - 32) * kIq4nl[nib(p + 8 + 16 * ib, j)];
    }
}

void deq_q8_K(const uint8_t * p, double * y) {
    float d;
    std::memcpy(&d, p, 4);
    for (int j = 0; j < 256; ++j) y[j] = d * static_cast<int8_t>(p[4 + j]);
}

}  // namespace

double half_to_double(const uint8_t * p) {
    const int h = p[0] | (p[1] << 8);
    const int e = (h >> 10) & 31, m = h & 1023;
    const double s = (h & 0x8000) ? -1.0 : 1.0;
    if (e == 0) return s * std::ldexp(m, -24);
    if (e == 31) return m ? NAN : s * INFINITY;
    return s * std::ldexp(1024 + m, e - 25);
}

std::vector<double> dequantize(TensorType type, const uint8_t * src, int64_t n) {
    std::vector<double> y(static_cast<size_t>(n));
    const auto & info = hearth::tensor_type_info(type);
    const int64_t nb = n / info.block_elems;
    for (int64_t b = 0; b < nb; ++b) {
        const uint8_t * p = src + b * info.block_bytes;
        double * o = y.data() + b * info.block_elems;
        switch (type) {
            case hearth::TensorType_F32: {
                float f;
                std::memcpy(&f, p, 4);
                *o = f;
                break;
            }
            case hearth::TensorType_F16:
                *o = half_to_double(p);
                break;
            case hearth::TensorType_BF16: {
                const uint32_t u = uint32_t(p[0] | (p[1] << 8)) << 16;
                float f;
                std::memcpy(&f, &u, 4);
                *o = f;
                break;
            }
            case hearth::TensorType_Q4_0:
                deq_q4_0(p, o);
                break;
            case hearth::TensorType_Q4_1:
                deq_q4_1(p, o);
                break;
            case hearth::TensorType_Q5_0:
                deq_q5_0(p, o);
                break;
            case hearth::TensorType_Q5_1:
                deq_q5_1(p, o);
                break;
            case hearth::TensorType_Q8_0:
                deq_q8_0(p, o);
                break;
            case hearth::TensorType_IQ4_NL:
                deq_iq4_nl(p, o);
                break;
            case hearth::TensorType_Q2_K:
                deq_q2_K(p, o);
                break;
            case hearth::TensorType_Q3_K:
                deq_q3_K(p, o);
                break;
            case hearth::TensorType_Q4_K:
                deq_q45_K(p, o, false);
                break;
            case hearth::TensorType_Q5_K:
                deq_q45_K(p, o, true);
                break;
            case hearth::TensorType_Q6_K:
                deq_q6_K(p, o);
                break;
            case hearth::TensorType_IQ4_XS:
                deq_iq4_xs(p, o);
                break;
            case hearth::TensorType_Q8_K:
                deq_q8_K(p, o);
                break;
            default:
                dequantize_iq(type, p, o);
                break;
        }
    }
    return y;
}

std::vector<TensorType> weight_types() {
    return {hearth::TensorType_F32,   hearth::TensorType_F16,     hearth::TensorType_BF16,    hearth::TensorType_Q4_0,
            hearth::TensorType_Q4_1,  hearth::TensorType_Q5_0,    hearth::TensorType_Q5_1,    hearth::TensorType_Q8_0,
            hearth::TensorType_Q2_K,  hearth::TensorType_Q3_K,    hearth::TensorType_Q4_K,    hearth::TensorType_Q5_K,
            hearth::TensorType_Q6_K,  hearth::TensorType_IQ4_NL,  hearth::TensorType_IQ4_XS,  hearth::TensorType_MXFP4,
            hearth::TensorType_IQ1_S, hearth::TensorType_IQ1_M,   hearth::TensorType_IQ2_XXS, hearth::TensorType_IQ2_XS,
            hearth::TensorType_IQ2_S, hearth::TensorType_IQ3_XXS, hearth::TensorType_IQ3_S};
}

std::vector<uint8_t> random_row(TensorType type, int64_t n, std::mt19937 & rng, float scale) {
    const auto & info = hearth::tensor_type_info(type);
    const int64_t nb = n / info.block_elems;
    std::vector<uint8_t> out(static_cast<size_t>(nb) * info.block_bytes);
    std::uniform_int_distribution<int> byte(0, 255);
    std::uniform_real_distribution<float> mag(0.5f, 1.5f);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    const auto put_half = [&](size_t off, float v) {
        const uint16_t h = half_bits(v);
        out[off] = static_cast<uint8_t>(h & 0xff);
        out[off + 1] = static_cast<uint8_t>(h >> 8);
    };
    if (type == hearth::TensorType_F32) {
        for (int64_t i = 0; i < n; ++i) {
            const float f = normal(rng);
            std::memcpy(&out[4 * i], &f, 4);
        }
        return out;
    }
    if (type == hearth::TensorType_F16 || type == hearth::TensorType_BF16) {
        for (int64_t i = 0; i < n; ++i) {
            const float f = normal(rng);
            uint32_t u;
            std::memcpy(&u, &f, 4);
            if (type == hearth::TensorType_F16)
                put_half(2 * i, f);
            else {
                out[2 * i] = static_cast<uint8_t>(u >> 16);
                out[2 * i + 1] = static_cast<uint8_t>(u >> 24);
            }
        }
        return out;
    }
    for (auto & b : out) b = static_cast<uint8_t>(byte(rng));
    // Byte offsets of the f16 scale fields: {d, min or -1}; mins are applied with
    // a minus sign (K) or a plus (Q4_1/Q5_1), so they get both signs too.
    int d_off = 0, m_off = -1;
    switch (type) {
        case hearth::TensorType_Q4_1:
        case hearth::TensorType_Q5_1:
            m_off = 2;
            break;
        case hearth::TensorType_Q2_K:
            d_off = 80;
            m_off = 82;
            break;
        case hearth::TensorType_Q3_K:
            d_off = 108;
            break;
        case hearth::TensorType_Q4_K:
        case hearth::TensorType_Q5_K:
            m_off = 2;
            break;
        case hearth::TensorType_Q6_K:
            d_off = 208;
            break;
        default:
            break;
    }
    // Keep products in range: the K formats multiply d by 6-bit scales.
    const float s = info.block_elems == 256 ? scale / 32.0f : scale;
    for (int64_t b = 0; b < nb; ++b) {
        const size_t base = static_cast<size_t>(b) * info.block_bytes;
        if (type == hearth::TensorType_MXFP4) {  // E8M0 exponent: 2^(e - 128) with |code| <= 12
            out[base] = static_cast<uint8_t>(120 + byte(rng) % 5);
            continue;
        }
        if (type == hearth::TensorType_IQ1_M) {  // the f16 d sits in the top nibbles of the 4 scale words
            const uint16_t h = half_bits(s * mag(rng) * (byte(rng) & 1 ? 1.0f : -1.0f));
            for (int k = 0; k < 4; ++k) {
                uint8_t & hi = out[base + 48 + 2 * k + 1];
                hi = static_cast<uint8_t>((hi & 0x0f) | (((h >> (4 * k)) & 0x0f) << 4));
            }
            continue;
        }
        put_half(base + d_off, s * mag(rng) * (byte(rng) & 1 ? 1.0f : -1.0f));
        if (m_off >= 0) put_half(base + m_off, s * mag(rng) * (byte(rng) & 1 ? 1.0f : -1.0f));
    }
    return out;
}

}  // namespace quant_ref
