#include "cpu/attention.h"

#include <algorithm>
#include <cmath>

#include "cpu/attention_tile.h"
#include "cpu/kv_source.h"
#include "cpu/thread_pool.h"

namespace hearth {

namespace {

// K^T's row stride: 16 floats past the tile, so the D rows of one column of
// keys fall in different L1 sets (at 256 floats, 1 KiB apart, they would share
// four sets and evict one another).
constexpr int32_t kKtStride = kAttentionTile + 16;

int32_t group_size(const AttentionShape & s) {
    return s.n_head / s.n_head_kv;
}

}  // namespace

void attend_tile_scalar(const TileRows & rows, const float * kt, int32_t kt_stride, const float * v, int32_t n,
                        int32_t D, int32_t DV, float scale, float * scores) {
    for (int r = 0; r < rows.n; ++r) {
        float * s = scores;  // one row at a time: the rows share nothing here
        std::fill(s, s + n, 0.0f);
        for (int32_t d = 0; d < D; ++d) {
            const float qd = rows.q[r][d];
            const float * kr = kt + size_t(d) * kt_stride;
            for (int32_t j = 0; j < n; ++j) s[j] += qd * kr[j];
        }
        float & run_max = *rows.run_max[r];
        float mx = run_max;
        for (int32_t j = 0; j < n; ++j) {
            s[j] *= scale;
            mx = std::max(mx, s[j]);
        }
        const float rescale = std::exp(run_max - mx);  // 0 on the first tile
        float sum = *rows.run_sum[r] * rescale;
        float * acc = rows.acc[r];
        for (int32_t i = 0; i < DV; ++i) acc[i] *= rescale;
        for (int32_t j = 0; j < n; ++j) {
            const float p = std::exp(s[j] - mx);
            sum += p;
            const float * vr = v + size_t(j) * DV;
            for (int32_t i = 0; i < DV; ++i) acc[i] += p * vr[i];
        }
        run_max = mx;
        *rows.run_sum[r] = sum;
    }
}

void transpose_tile_scalar(const float * src, int32_t n, int32_t D, float * dst, int32_t stride) {
    for (int32_t j = 0; j < n; ++j)
        for (int32_t d = 0; d < D; ++d) dst[size_t(d) * stride + j] = src[size_t(j) * D + d];
}

AttentionKernels attention_kernels(CpuIsa isa) {
    static const AttentionKernels avx2 = attention_avx2_kernels();
    if (isa >= CpuIsa_avx2 && avx2.attend != nullptr && cpu_isa_detected() >= CpuIsa_avx2) return avx2;
    return {attend_tile_scalar, transpose_tile_scalar};
}

size_t attention_scratch_floats(const AttentionShape & s) {
    const size_t rows = size_t(kAttentionMaxChunk) * size_t(group_size(s));
    // K rows as read, K^T (+ the kernels' read-ahead), V tile, scores, then per
    // (token, head) running max, sum and accumulator.
    return size_t(kAttentionTile + kKtStride) * size_t(s.head_dim) + size_t(kAttentionTile) * size_t(s.head_dim_v) +
           size_t(kTilePad) + size_t(tile_scores_floats(kAttentionTile)) + rows * (2 + size_t(s.head_dim_v));
}

namespace {

struct Item {
    int32_t kv_head;
    int32_t t0, t1;  // tokens [t0, t1)
};

// The row's softmax denominator and output once every key is in: an optional
// sink logit joins the denominator only, o = acc / (l + e^(sink - m)) (in a
// numerically safe form when the sink exceeds the running max).
void finish_row(const float * acc, float run_max, float run_sum, const float * sink, int32_t DV, float * o) {
    float scale_acc = 1.0f;
    if (sink) {
        const float m = std::max(run_max, *sink);
        scale_acc = std::exp(run_max - m);  // 0 when no key was seen
        run_sum = run_sum * scale_acc + std::exp(*sink - m);
    }
    const float inv = scale_acc / run_sum;
    for (int32_t i = 0; i < DV; ++i) o[i] = acc[i] * inv;
}

// Rows meet a tile in groups of up to kTileRows that see the same keys: a
// token's query heads, and consecutive tokens whose ranges agree (every token
// past the tile, in prefill). Grouping never changes a row's arithmetic.
class RowBatch {
public:
    RowBatch(const AttentionKernels & k, const float * kt, const float * vtile, int32_t ks, int32_t D, int32_t DV,
             float scale, float * scores)
        : m_k(k), m_kt(kt), m_vtile(vtile), m_ks(ks), m_D(D), m_DV(DV), m_scale(scale), m_scores(scores) {}
    ~RowBatch() { flush(); }

    void add(int32_t kbeg, int32_t kend, const float * q, float * run_max, float * run_sum, float * acc) {
        if (m_rows.n == kTileRows || (m_rows.n > 0 && (kbeg != m_kbeg || kend != m_kend))) flush();
        m_kbeg = kbeg;
        m_kend = kend;
        const int i = m_rows.n++;
        m_rows.q[i] = q;
        m_rows.run_max[i] = run_max;
        m_rows.run_sum[i] = run_sum;
        m_rows.acc[i] = acc;
    }

    void flush() {
        if (m_rows.n == 0) return;
        const int32_t off = m_kbeg - m_ks;
        m_k.attend(m_rows, m_kt + off, kKtStride, m_vtile + size_t(off) * m_DV, m_kend - m_kbeg, m_D, m_DV, m_scale,
                   m_scores);
        m_rows.n = 0;
    }

private:
    const AttentionKernels & m_k;
    const float * m_kt;
    const float * m_vtile;
    int32_t m_ks, m_D, m_DV;
    float m_scale;
    float * m_scores;
    TileRows m_rows;
    int32_t m_kbeg = 0, m_kend = 0;
};

void attend_item(const KvSource & kv, int il, const AttentionShape & s, const AttentionParams & ap, const float * q,
                 int32_t pos0, const Item & it, const AttentionKernels & kern, float * out, float * scratch) {
    const int32_t G = group_size(s), D = s.head_dim, DV = s.head_dim_v;
    float * krows = scratch;                                // [kAttentionTile][D], as read
    float * kt = krows + size_t(kAttentionTile) * D;        // [D][kKtStride] + kTilePad
    float * vtile = kt + size_t(kKtStride) * D + kTilePad;  // [kAttentionTile][DV]
    float * scores = vtile + size_t(kAttentionTile) * DV;
    float * run_max = scores + tile_scores_floats(kAttentionTile);
    const int32_t rows = (it.t1 - it.t0) * G;
    float * run_sum = run_max + rows;
    float * acc = run_sum + rows;
    std::fill(run_max, run_max + rows, -INFINITY);
    std::fill(run_sum, run_sum + rows, 0.0f);
    std::fill(acc, acc + size_t(rows) * DV, 0.0f);
    const float scale = ap.scale != 0.0f ? ap.scale : 1.0f / std::sqrt(float(D));

    // Token t (at pos0 + t) sees keys [lo(t), pos0 + t]. Tiles start on
    // multiples of kAttentionTile whatever the batch, so a row meets its keys
    // in the same groups in decode and in prefill (identical results).
    auto lo = [&](int32_t t) { return ap.window > 0 ? std::max(0, pos0 + t - ap.window + 1) : 0; };
    const int32_t n_keys = pos0 + it.t1;
    for (int32_t ks = lo(it.t0) / kAttentionTile * kAttentionTile; ks < n_keys; ks += kAttentionTile) {
        const int32_t ke = std::min(n_keys, ks + kAttentionTile);
        const int32_t kread = std::max(ks, lo(it.t0));  // a ring no longer holds older keys
        kv.read_k(il, it.kv_head, kread, ke, krows);
        kern.transpose(krows, ke - kread, D, kt + (kread - ks), kKtStride);
        kv.read_v(il, it.kv_head, kread, ke, vtile + size_t(kread - ks) * DV);
        RowBatch batch(kern, kt, vtile, ks, D, DV, scale, scores);
        for (int32_t t = it.t0; t < it.t1; ++t) {
            const int32_t kbeg = std::max(ks, lo(t));
            const int32_t kend = std::min(ke, pos0 + t + 1);  // causal mask
            if (kend <= kbeg) continue;
            for (int32_t g = 0; g < G; ++g) {
                const int32_t h = it.kv_head * G + g;
                const int32_t r = (t - it.t0) * G + g;
                batch.add(kbeg, kend, q + (size_t(t) * s.n_head + h) * D, run_max + r, run_sum + r,
                          acc + size_t(r) * DV);
            }
        }
    }
    for (int32_t t = it.t0; t < it.t1; ++t)
        for (int32_t g = 0; g < G; ++g) {
            const int32_t h = it.kv_head * G + g;
            const int32_t r = (t - it.t0) * G + g;
            finish_row(acc + size_t(r) * DV, run_max[r], run_sum[r], ap.sinks ? ap.sinks + h : nullptr, DV,
                       out + (size_t(t) * s.n_head + h) * DV);
        }
}

}  // namespace

void attention(const KvSource & kv, int il, const AttentionShape & s, const float * q, int32_t n_tokens, int32_t pos0,
               float * out, float * scratch, ThreadPool & pool, const AttentionParams & params) {
    // Enough items to keep every thread busy, few enough to share each K/V tile widely.
    const int64_t want = int64_t(pool.size()) * 4;
    int32_t chunk = int32_t((int64_t(n_tokens) * s.n_head_kv + want - 1) / want);
    chunk = std::clamp(chunk, 1, kAttentionMaxChunk);
    const int32_t n_chunks = (n_tokens + chunk - 1) / chunk;
    const size_t stride = attention_scratch_floats(s);
    const AttentionKernels kern = attention_kernels(cpu_isa_active());
    pool.parallel_for(int64_t(n_chunks) * s.n_head_kv, [&](int64_t begin, int64_t end, int thread) {
        float * mine = scratch + size_t(thread) * stride;
        for (int64_t i = begin; i < end; ++i) {
            // Later chunks attend to more keys: hand them out first.
            const int32_t c = n_chunks - 1 - int32_t(i / s.n_head_kv);
            const Item it{int32_t(i % s.n_head_kv), c * chunk, std::min(n_tokens, (c + 1) * chunk)};
            attend_item(kv, il, s, params, q, pos0, it, kern, out, mine);
        }
    });
}

}  // namespace hearth
