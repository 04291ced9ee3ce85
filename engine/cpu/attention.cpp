#include "cpu/attention.h"

#include <algorithm>
#include <cmath>

#include "cpu/attention_tile.h"
#include "cpu/kv_source.h"
#include "cpu/thread_pool.h"

namespace hearth {

namespace {

int32_t group_size(const AttentionShape & s) {
    return s.n_head / s.n_head_kv;
}

// Eight independent partial sums: the compiler turns them into vector lanes
// (a single running sum is a serial dependency it may not reorder).
inline float dot(const float * a, const float * b, int32_t n) {
    float part[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int32_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int u = 0; u < 8; ++u) part[u] += a[i + u] * b[i + u];
    float sum = ((part[0] + part[4]) + (part[1] + part[5])) + ((part[2] + part[6]) + (part[3] + part[7]));
    for (; i < n; ++i) sum += a[i] * b[i];
    return sum;
}

}  // namespace

void attend_tile_scalar(const float * q, const float * k, const float * v, int32_t n, int32_t D, int32_t DV,
                        float scale, float * scores, float & run_max, float & run_sum, float * acc) {
    float mx = run_max;
    for (int32_t j = 0; j < n; ++j) {
        scores[j] = dot(q, k + size_t(j) * D, D) * scale;
        mx = std::max(mx, scores[j]);
    }
    const float rescale = std::exp(run_max - mx);  // 0 on the first tile
    float sum = run_sum * rescale;
    for (int32_t i = 0; i < DV; ++i) acc[i] *= rescale;
    for (int32_t j = 0; j < n; ++j) {
        const float p = std::exp(scores[j] - mx);
        sum += p;
        const float * vr = v + size_t(j) * DV;
        for (int32_t i = 0; i < DV; ++i) acc[i] += p * vr[i];
    }
    run_max = mx;
    run_sum = sum;
}

AttendTileFn attend_tile_kernel(CpuIsa isa) {
    static const AttendTileFn avx2 = attend_tile_avx2_kernel();
    return isa >= CpuIsa_avx2 && avx2 != nullptr && cpu_isa_detected() >= CpuIsa_avx2 ? avx2 : attend_tile_scalar;
}

size_t attention_scratch_floats(const AttentionShape & s) {
    const size_t rows = size_t(kAttentionMaxChunk) * size_t(group_size(s));
    // K tile, V tile, scores, then per (token, head) running max, sum and accumulator.
    return size_t(kAttentionTile) * size_t(s.head_dim + s.head_dim_v + 1) + rows * (2 + size_t(s.head_dim_v));
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

void attend_item(const KvSource & kv, int il, const AttentionShape & s, const AttentionParams & ap, const float * q,
                 int32_t pos0, const Item & it, AttendTileFn tile_fn, float * out, float * scratch) {
    const int32_t G = group_size(s), D = s.head_dim, DV = s.head_dim_v;
    float * ktile = scratch;
    float * vtile = ktile + size_t(kAttentionTile) * D;
    float * scores = vtile + size_t(kAttentionTile) * DV;
    float * run_max = scores + kAttentionTile;
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
        kv.read_k(il, it.kv_head, kread, ke, ktile + size_t(kread - ks) * D);
        kv.read_v(il, it.kv_head, kread, ke, vtile + size_t(kread - ks) * DV);
        for (int32_t t = it.t0; t < it.t1; ++t) {
            const int32_t kbeg = std::max(ks, lo(t));
            const int32_t kend = std::min(ke, pos0 + t + 1);  // causal mask
            if (kend <= kbeg) continue;
            for (int32_t g = 0; g < G; ++g) {
                const int32_t h = it.kv_head * G + g;
                const int32_t r = (t - it.t0) * G + g;
                tile_fn(q + (size_t(t) * s.n_head + h) * D, ktile + size_t(kbeg - ks) * D,
                        vtile + size_t(kbeg - ks) * DV, kend - kbeg, D, DV, scale, scores, run_max[r], run_sum[r],
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
    const AttendTileFn tile_fn = attend_tile_kernel(cpu_isa_active());
    pool.parallel_for(int64_t(n_chunks) * s.n_head_kv, [&](int64_t begin, int64_t end, int thread) {
        float * mine = scratch + size_t(thread) * stride;
        for (int64_t i = begin; i < end; ++i) {
            // Later chunks attend to more keys: hand them out first.
            const int32_t c = n_chunks - 1 - int32_t(i / s.n_head_kv);
            const Item it{int32_t(i % s.n_head_kv), c * chunk, std::min(n_tokens, (c + 1) * chunk)};
            attend_item(kv, il, s, params, q, pos0, it, tile_fn, out, mine);
        }
    });
}

}  // namespace hearth
