// The float64 reference of the code-book formats (MXFP4, IQ1_S, IQ1_M,
// IQ2_XXS, IQ2_XS, IQ2_S, IQ3_XXS, IQ3_S), read off raw bytes in ggml's own
// loop order (dequantize_row_* in ggml-quants.c). It shares only the code-book
// data with the engine (quant/iq_grids.h, checked against ggml's tables by
// test_iq_grids); the bit unpacking, signs and scales are written anew here.
#include <cmath>
#include <cstring>

#include "quant/iq_grids.h"
#include "quant_reference.h"

namespace quant_ref {

namespace {

const int kMxfp4[16] = {0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12};

uint32_t u32(const uint8_t * p) {
    return p[0] | (p[1] << 8) | (p[2] << 16) | (uint32_t(p[3]) << 24);
}
int u16(const uint8_t * p) {
    return p[0] | (p[1] << 8);
}

// Byte j of a grid entry (the u64 or u32 read little-endian).
int grid_byte(uint64_t entry, int j) {
    return int((entry >> (8 * j)) & 0xff);
}

// ksigns_iq2xs: the 7 stored bits plus a parity bit that makes the count even.
int even_signs(int seven) {
    int bits = 0;
    for (int b = 0; b < 7; ++b) bits += (seven >> b) & 1;
    return seven | ((bits & 1) << 7);
}

double sgn(int signs, int j) {
    return (signs >> j) & 1 ? -1.0 : 1.0;
}

void deq_mxfp4(const uint8_t * p, double * y) {
    const double d = std::ldexp(1.0, int(p[0]) - 128);
    for (int j = 0; j < 16; ++j) {
        y[j] = d * kMxfp4[p[1 + j] & 15];
        y[j + 16] = d * kMxfp4[p[1 + j] >> 4];
    }
}

void deq_iq2_xxs(const uint8_t * p, double * y) {
    const double d = half_to_double(p);
    for (int ib = 0; ib < 8; ++ib) {
        const uint8_t * q = p + 2 + 8 * ib;
        const uint32_t aux = u32(q + 4);
        const double db = d * (0.5 + (aux >> 28)) * 0.25;
        for (int l = 0; l < 4; ++l) {
            const int signs = even_signs((aux >> (7 * l)) & 127);
            for (int j = 0; j < 8; ++j) *y++ = db * grid_byte(hearth::kIqGrids.iq2xxs[q[l]], j) * sgn(signs, j);
        }
    }
}

void deq_iq2_xs(const uint8_t * p, double * y) {
    const double d = half_to_double(p);
    const uint8_t * sc = p + 66;
    for (int ib = 0; ib < 8; ++ib)
        for (int l = 0; l < 4; ++l) {
            const int q = u16(p + 2 + 2 * (4 * ib + l));
            const double db = d * (0.5 + ((sc[ib] >> (4 * (l / 2))) & 15)) * 0.25;
            const int signs = even_signs(q >> 9);
            for (int j = 0; j < 8; ++j) *y++ = db * grid_byte(hearth::kIqGrids.iq2xs[q & 511], j) * sgn(signs, j);
        }
}

void deq_iq2_s(const uint8_t * p, double * y) {
    const double d = half_to_double(p);
    const uint8_t * qs = p + 2;
    const uint8_t * signs = p + 34;
    const uint8_t * qh = p + 66;
    const uint8_t * sc = p + 74;
    for (int ib = 0; ib < 8; ++ib)
        for (int l = 0; l < 4; ++l) {
            const double db = d * (0.5 + ((sc[ib] >> (4 * (l / 2))) & 15)) * 0.25;
            const int idx = qs[4 * ib + l] | (((qh[ib] >> (2 * l)) & 3) << 8);
            for (int j = 0; j < 8; ++j)
                *y++ = db * grid_byte(hearth::kIqGrids.iq2s[idx], j) * sgn(signs[4 * ib + l], j);
        }
}

void deq_iq3_xxs(const uint8_t * p, double * y) {
    const double d = half_to_double(p);
    for (int ib = 0; ib < 8; ++ib) {
        const uint32_t aux = u32(p + 2 + 64 + 4 * ib);
        const double db = d * (0.5 + (aux >> 28)) * 0.5;
        for (int l = 0; l < 4; ++l) {
            const int signs = even_signs((aux >> (7 * l)) & 127);
            const uint8_t * q = p + 2 + 8 * ib + 2 * l;
            for (int j = 0; j < 4; ++j) {
                y[j] = db * grid_byte(hearth::kIqGrids.iq3xxs[q[0]], j) * sgn(signs, j);
                y[j + 4] = db * grid_byte(hearth::kIqGrids.iq3xxs[q[1]], j) * sgn(signs, j + 4);
            }
            y += 8;
        }
    }
}

void deq_iq3_s(const uint8_t * p, double * y) {
    const double d = half_to_double(p);
    const uint8_t * qs = p + 2;
    const uint8_t * qh = p + 66;
    const uint8_t * signs = p + 74;
    const uint8_t * sc = p + 106;
    for (int ib = 0; ib < 8; ++ib) {
        const double db = d * (1 + 2 * ((sc[ib / 2] >> (4 * (ib % 2))) & 15));
        for (int l = 0; l < 4; ++l) {
            const int i1 = qs[8 * ib + 2 * l] | (((qh[ib] >> (2 * l)) & 1) << 8);
            const int i2 = qs[8 * ib + 2 * l + 1] | (((qh[ib] >> (2 * l + 1)) & 1) << 8);
            const int s = signs[4 * ib + l];
            for (int j = 0; j < 4; ++j) {
                y[j] = db * grid_byte(hearth::kIqGrids.iq3s[i1], j) * sgn(s, j);
                y[j + 4] = db * grid_byte(hearth::kIqGrids.iq3s[i2], j) * sgn(s, j + 4);
            }
            y += 8;
        }
    }
}

double iq1_value(uint64_t entry, int j) {
    return double(int8_t(grid_byte(entry, j)));
}

void deq_iq1_s(const uint8_t * p, double * y) {
    const double d = half_to_double(p);
    for (int ib = 0; ib < 8; ++ib) {
        const int qh = u16(p + 34 + 2 * ib);
        const double dl = d * (2 * ((qh >> 12) & 7) + 1);
        const double delta = qh & 0x8000 ? -0.125 : 0.125;
        for (int l = 0; l < 4; ++l) {
            const uint64_t entry = hearth::kIqGrids.iq1s[p[2 + 4 * ib + l] | (((qh >> (3 * l)) & 7) << 8)];
            for (int j = 0; j < 8; ++j) *y++ = dl * (iq1_value(entry, j) + delta);
        }
    }
}

void deq_iq1_m(const uint8_t * p, double * y) {
    const uint8_t * qs = p;
    const uint8_t * qh = p + 32;
    int sc[4];
    for (int k = 0; k < 4; ++k) sc[k] = u16(p + 48 + 2 * k);
    const int dbits = (sc[0] >> 12) | ((sc[1] >> 8) & 0xf0) | ((sc[2] >> 4) & 0xf00) | (sc[3] & 0xf000);
    const uint8_t dh[2] = {uint8_t(dbits & 0xff), uint8_t(dbits >> 8)};
    const double d = half_to_double(dh);
    for (int ib = 0; ib < 8; ++ib)
        for (int l = 0; l < 4; ++l) {
            const int nib = (qh[2 * ib + l / 2] >> (4 * (l % 2))) & 15;
            const int ls = 2 * ((sc[ib / 2] >> (6 * (ib % 2) + 3 * (l / 2))) & 7) + 1;
            const double delta = nib & 8 ? -0.125 : 0.125;
            const uint64_t entry = hearth::kIqGrids.iq1s[qs[4 * ib + l] | ((nib & 7) << 8)];
            for (int j = 0; j < 8; ++j) *y++ = d * ls * (iq1_value(entry, j) + delta);
        }
}

}  // namespace

bool dequantize_iq(hearth::TensorType type, const uint8_t * p, double * y) {
    switch (type) {
        case hearth::TensorType_MXFP4:
            deq_mxfp4(p, y);
            return true;
        case hearth::TensorType_IQ2_XXS:
            deq_iq2_xxs(p, y);
            return true;
        case hearth::TensorType_IQ2_XS:
            deq_iq2_xs(p, y);
            return true;
        case hearth::TensorType_IQ2_S:
            deq_iq2_s(p, y);
            return true;
        case hearth::TensorType_IQ3_XXS:
            deq_iq3_xxs(p, y);
            return true;
        case hearth::TensorType_IQ3_S:
            deq_iq3_s(p, y);
            return true;
        case hearth::TensorType_IQ1_S:
            deq_iq1_s(p, y);
            return true;
        case hearth::TensorType_IQ1_M:
            deq_iq1_m(p, y);
            return true;
        default:
            return false;
    }
}

}  // namespace quant_ref
