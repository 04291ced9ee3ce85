// Causal GQA attention over one layer of the device KV cache, flash-attention
// style: each block streams the K/V rows of one KV head through shared memory
// a tile at a time, with an online (running max) softmax per query row, so
// nothing grows with the context but the loop.
//
// Work split (grid x: KV head and sub-group of its query heads; y: chunk of
// query tokens; z: split of the KV length):
//   - a block's rows are (token, query head) pairs sharing one KV head, so each
//     K/V tile is read once for the whole GQA group and the token chunk;
//   - decode and short batches (n_tokens <= kSplitMaxTokens) also split the
//     KV length, so a long context keeps every SM busy: each split writes its
//     partial (max, sum, unnormalised accumulator) to scratch, and a combine
//     kernel merges them per row. Longer prefills have parallelism enough in
//     their token chunks and write the output directly.
//   - the split count comes from the cache's n_ctx, never from the position
//     (read in the kernel, StepPos), so a decode step's launches are the same
//     at every position and its CUDA Graph is captured once: a split past the
//     step's last key finds none and writes a max of -inf, which the combine
//     kernel (always launched when there are splits) skips.
// Per tile (4 barriers): load K [tile][D] and V [tile][DV] (dequantized from
// f16 or Q8_0) into shared memory; scores = q.k * 1/sqrt(D) for all rows at
// once per key, causal positions masked to -inf; one warp per row updates its
// max and sum and turns scores into probabilities; each thread rescales and
// accumulates its output elements, kept in registers (kAccPerThread each).
// The tile (64, 32, 16 or 8 keys) and the rows per block are the largest that
// fit the default 48 KiB of shared memory: head_dim and head_dim_v up to 640
// (the CPU backend has no limit; the caller checks).
#include <math.h>
#include <string.h>

#include "cuda/kernels.h"
#include "quant/blocks.h"

namespace hearth::cuda {

namespace {

// Full unrolling keeps the accumulator array in registers (nvcc only).
#if defined(__CUDACC__)
#define HEARTH_ATTN_UNROLL _Pragma("unroll")
#else
#define HEARTH_ATTN_UNROLL
#endif

constexpr int kThreads = 128;
constexpr int kAccPerThread = 16;
constexpr int kMaxRowDims = kThreads * kAccPerThread;  // rows * head_dim_v per block
constexpr int kMaxRows = 16;
constexpr size_t kSharedLimit = 48 * 1024;  // the default dynamic shared memory cap
constexpr int kSplitMaxTokens = 8;
constexpr int kMinSplitKeys = 128;
constexpr int kMaxSplits = 64;

// Everything a block needs; a kernel argument (passed by value).
struct AttnParams {
    const uint8_t * k;  // layer's K rows
    const uint8_t * v;
    size_t k_row_bytes, v_row_bytes;
    int kv_type;       // KvType
    const float * q;   // [n_tokens][n_head * D]
    float * out;       // [n_tokens][n_head * DV]
    float * part_acc;  // [n_splits][n_tokens * n_head][DV], when n_splits > 1
    float * part_ml;   // [n_splits][n_tokens * n_head][2]: running max, sum
    int n_head, group, d, dv;
    int n_tokens;
    StepPos pos;  // position of token 0, read in the kernel
    float scale;
    int window;           // 0: full causal attention
    const float * sinks;  // [n_head] or nullptr
    int gc, n_gsub;       // query heads per block, sub-groups per KV head
    int tc;               // tokens per block
    int split_len, n_splits;
};

// Threads that share one key's dot products in the score step (each takes
// every key_split-th dimension, for all rows at once); tile * key_split is a
// multiple of kThreads.
constexpr int key_split(int tile) {
    return tile >= 32 ? 4 : kThreads / tile;
}

// Row stride of the shared K tile: D + key_split puts the key_split threads
// of each of a warp's keys on distinct banks (when D % 32 == 0).
constexpr int k_stride(int tile, int d) {
    return d + key_split(tile);
}

// Shared floats: q [rows][D], K [tile][k_stride], V [tile][DV], probabilities
// [rows][tile], then per row the running max, sum and this tile's rescale.
size_t shared_floats(int rows, int tile, int d, int dv) {
    return size_t(rows) * size_t(d) + size_t(tile) * size_t(k_stride(tile, d)) + size_t(tile) * size_t(dv) +
           size_t(rows) * size_t(tile) + 3 * size_t(rows);
}

struct Plan {
    int tile = 8, gc = 1, n_gsub = 1, tc = 1, n_tchunks = 1, split_len = 0, n_splits = 1;
    size_t shared_bytes = 0;
};

// n_ctx bounds the keys any step sees; the split count follows from it, not
// from the position, so the launches of a decode step never change.
Plan make_plan(const AttentionShape & s, int32_t n_tokens, int32_t n_ctx, bool can_split) {
    Plan p;
    const int group = s.n_head / s.n_head_kv;
    int rows_cap = kMaxRowDims / (s.head_dim_v > 0 ? s.head_dim_v : 1);
    rows_cap = rows_cap < kMaxRows ? rows_cap : kMaxRows;
    const int64_t want64 = int64_t(n_tokens) * group;
    int rows = int(want64 < rows_cap ? want64 : rows_cap);
    if (rows < 1) rows = 1;
    // Largest tile that holds the wanted rows; else the smallest, with fewer rows.
    p.tile = 8;
    for (int tile : {64, 32, 16}) {
        if (shared_floats(rows, tile, s.head_dim, s.head_dim_v) * sizeof(float) <= kSharedLimit) {
            p.tile = tile;
            break;
        }
    }
    while (rows > 1 && shared_floats(rows, p.tile, s.head_dim, s.head_dim_v) * sizeof(float) > kSharedLimit) --rows;
    p.gc = group < rows ? group : rows;
    p.n_gsub = (group + p.gc - 1) / p.gc;
    p.tc = rows / p.gc;
    if (p.tc > n_tokens) p.tc = n_tokens;
    p.n_tchunks = (n_tokens + p.tc - 1) / p.tc;
    p.shared_bytes = shared_floats(p.tc * p.gc, p.tile, s.head_dim, s.head_dim_v) * sizeof(float);

    const int64_t n_keys = n_ctx > n_tokens ? n_ctx : n_tokens;
    int64_t n_splits = 1;
    if (can_split && n_tokens <= kSplitMaxTokens) {
        n_splits = (n_keys + kMinSplitKeys - 1) / kMinSplitKeys;
        n_splits = n_splits < kMaxSplits ? n_splits : kMaxSplits;
    }
    int64_t len = (n_keys + n_splits - 1) / n_splits;
    len = (len + p.tile - 1) / p.tile * p.tile;
    p.split_len = int(len);
    p.n_splits = int((n_keys + len - 1) / len);
    return p;
}

// The output element once every key is in, as the CPU's finish_row: an
// optional sink logit joins the denominator only, o = acc / (l + e^(sink - m)),
// in a form safe when the sink exceeds the running max.
__device__ __forceinline__ float finish(float acc, float run_max, float run_sum, const float * sink) {
    float scale_acc = 1.0f;
    if (sink) {
        const float m = fmaxf(run_max, *sink);
        scale_acc = expf(run_max - m);  // 0 when no key was seen
        run_sum = run_sum * scale_acc + expf(*sink - m);
    }
    return acc * (scale_acc / run_sum);
}

__device__ __forceinline__ float warp_sum(float v) {
    for (int m = kWarp / 2; m > 0; m >>= 1) v += __shfl_xor_sync(0xffffffffu, v, m);
    return v;
}

__device__ __forceinline__ float warp_max(float v) {
    for (int m = kWarp / 2; m > 0; m >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, m));
    return v;
}

// Element `i` of head `head` (of `dim` elements) in a cache row, as the CPU's
// KvCache::read_head dequantizes it. Q8_0 heads start on block boundaries.
__device__ __forceinline__ float kv_element(const uint8_t * row, int type, int head, int dim, int i) {
    const int e = head * dim + i;
    if (type == KvType_f16) return fp16_to_f32(reinterpret_cast<const uint16_t *>(row)[e]);
    const block_q8_0 & b = reinterpret_cast<const block_q8_0 *>(row)[e / QK32];
    return fp16_to_f32(b.d) * static_cast<float>(b.qs[e % QK32]);
}

// Elements 2 * i2 and 2 * i2 + 1 of a head with an even size, from one 32-bit
// load (two f16) or one 16-bit load (two Q8_0 codes of the same block). Rows
// of an even number of f16 values, and 34-byte blocks, keep them aligned.
__device__ __forceinline__ void kv_pair(const uint8_t * row, int type, int head, int dim, int i2, float & x0,
                                        float & x1) {
    const int e = head * dim + 2 * i2;
    if (type == KvType_f16) {
        const uint32_t w = load_aligned<uint32_t>(row + size_t(e) * 2);
        x0 = fp16_to_f32(static_cast<uint16_t>(w & 0xffffu));
        x1 = fp16_to_f32(static_cast<uint16_t>(w >> 16));
        return;
    }
    const block_q8_0 & b = reinterpret_cast<const block_q8_0 *>(row)[e / QK32];
    const uint16_t w = load_aligned<uint16_t>(b.qs + e % QK32);
    const float d = fp16_to_f32(b.d);
    x0 = d * static_cast<float>(static_cast<int8_t>(w & 0xffu));
    x1 = d * static_cast<float>(static_cast<int8_t>(w >> 8));
}

// Copies positions [ks, ks + n) of one KV head into a shared tile with row
// stride `stride`: a warp per row, lanes over its elements (coalesced), two
// at a time when the head size is even.
__device__ void load_tile(const uint8_t * base, size_t row_bytes, int type, int head, int dim, int ks, int n,
                          float * dst, int stride) {
    const int lane = int(threadIdx.x) % kWarp, warp = int(threadIdx.x) / kWarp;
    for (int j = warp; j < n; j += kThreads / kWarp) {
        const uint8_t * row = base + size_t(ks + j) * row_bytes;
        float * out = dst + j * stride;
        if (dim % 2 == 0) {
            for (int i2 = lane; i2 < dim / 2; i2 += kWarp)
                kv_pair(row, type, head, dim, i2, out[2 * i2], out[2 * i2 + 1]);
        } else {
            for (int i = lane; i < dim; i += kWarp) out[i] = kv_element(row, type, head, dim, i);
        }
    }
}

// Block rows: r = token_in_chunk * gc + head_in_subgroup.
struct BlockRows {
    int kv_head, g0, gc, t0, tc;
    __device__ int token(int r) const { return t0 + r / gc; }
    __device__ int head(int r, int group) const { return kv_head * group + g0 + r % gc; }
};

// scores[r][j] = q_r . k_j * scale for the tile's keys j < n, -inf where
// masked (past the tile, or after the row's token: causal). key_split threads
// per key each take every S-th dimension for all rows, reading each K value
// once, then fold their partial dots with shuffles. Trip counts and shuffle
// counts are uniform over the block (R is), as the emulator requires.
template <int TILE>
__device__ void tile_scores(const float * q_s, const float * k_s, int ks_stride, float * p_s, int R, int D, int n,
                            int ks, int pos0, const BlockRows & br, float scale, int window) {
    constexpr int S = key_split(TILE);
    for (int idx = int(threadIdx.x); idx < TILE * S; idx += kThreads) {
        const int j = idx / S, sub = idx % S;
        float dot[kMaxRows];
        HEARTH_ATTN_UNROLL
        for (int r = 0; r < kMaxRows; ++r) dot[r] = 0.0f;
        if (j < n) {
            const float * kr = k_s + j * ks_stride;
            for (int d = sub; d < D; d += S) {
                const float kd = kr[d];
                HEARTH_ATTN_UNROLL
                for (int r = 0; r < kMaxRows; ++r)
                    if (r < R) dot[r] += q_s[r * D + d] * kd;
            }
        }
        HEARTH_ATTN_UNROLL
        for (int r = 0; r < kMaxRows; ++r) {
            if (r >= R) break;
            for (int m = S / 2; m > 0; m >>= 1) dot[r] += __shfl_xor_sync(0xffffffffu, dot[r], m);
            if (r % S == sub) {
                const int qpos = pos0 + br.token(r);
                const bool visible = j < n && ks + j <= qpos && (window <= 0 || ks + j > qpos - window);
                p_s[r * TILE + j] = visible ? dot[r] * scale : -INFINITY;
            }
        }
    }
}

// acc = acc * rescale[row] + sum_j p[row][j] * v[j][dim] for this thread's
// entries. When kThreads % DV == 0 all of them share the column tid % DV, so
// each V value is read once per key.
template <int TILE>
__device__ void accumulate_pv(float (&acc)[kAccPerThread], const int (&acc_ri)[kAccPerThread], const float * p_s,
                              const float * v_s, const float * a_s, int DV, int n) {
    HEARTH_ATTN_UNROLL
    for (int a = 0; a < kAccPerThread; ++a)
        if (acc_ri[a] >= 0) acc[a] *= a_s[acc_ri[a] >> 16];
    if (kThreads % DV == 0) {
        const float * vc = v_s + int(threadIdx.x) % DV;
        for (int j = 0; j < n; ++j) {
            const float v = vc[j * DV];
            HEARTH_ATTN_UNROLL
            for (int a = 0; a < kAccPerThread; ++a)
                if (acc_ri[a] >= 0) acc[a] += p_s[(acc_ri[a] >> 16) * TILE + j] * v;
        }
        return;
    }
    HEARTH_ATTN_UNROLL
    for (int a = 0; a < kAccPerThread; ++a) {
        if (acc_ri[a] < 0) continue;
        const float * pr = p_s + (acc_ri[a] >> 16) * TILE;
        const float * vc = v_s + (acc_ri[a] & 0xffff);
        float sum = acc[a];
        for (int j = 0; j < n; ++j) sum += pr[j] * vc[j * DV];
        acc[a] = sum;
    }
}

// TILE (KV positions per tile) is a template argument so the index
// arithmetic over it is shifts.
template <int TILE>
__global__ void __launch_bounds__(kThreads) attention_kernel(AttnParams p) {
    HEARTH_DYNAMIC_SHARED(float, smem);
    const int D = p.d, DV = p.dv;
    constexpr int tile = TILE;
    const int KS = k_stride(TILE, D);
    BlockRows br;
    br.kv_head = int(blockIdx.x) / p.n_gsub;
    br.g0 = int(blockIdx.x) % p.n_gsub * p.gc;
    br.gc = p.gc < p.group - br.g0 ? p.gc : p.group - br.g0;
    br.t0 = int(blockIdx.y) * p.tc;
    br.tc = p.tc < p.n_tokens - br.t0 ? p.tc : p.n_tokens - br.t0;
    const int R = br.tc * br.gc, max_rows = p.tc * p.gc;
    float * q_s = smem;
    float * k_s = q_s + max_rows * D;
    float * v_s = k_s + tile * KS;
    float * p_s = v_s + tile * DV;
    float * m_s = p_s + max_rows * tile;
    float * l_s = m_s + max_rows;
    float * a_s = l_s + max_rows;
    const int tid = int(threadIdx.x), lane = tid % kWarp, warp = tid / kWarp, n_warps = int(blockDim.x) / kWarp;

    for (int idx = tid; idx < R * D; idx += kThreads) {
        const int r = idx / D, i = idx % D;
        q_s[idx] = p.q[(size_t(br.token(r)) * p.n_head + br.head(r, p.group)) * D + i];
    }
    for (int r = tid; r < R; r += kThreads) {
        m_s[r] = -INFINITY;
        l_s[r] = 0.0f;
    }
    // This thread's output elements: entry tid + a * kThreads is (row, dim),
    // decoded once and packed as row << 16 | dim (-1: unused).
    float acc[kAccPerThread];
    int acc_ri[kAccPerThread];
    HEARTH_ATTN_UNROLL
    for (int a = 0; a < kAccPerThread; ++a) {
        const int e = tid + a * kThreads;
        acc[a] = 0.0f;
        acc_ri[a] = e < R * DV ? (e / DV) << 16 | (e % DV) : -1;
    }
    __syncthreads();

    // Keys this block's split holds that its last token can see.
    const int ks0 = int(blockIdx.z) * p.split_len;
    const int pos0 = p.pos.get();
    const int chunk_keys = pos0 + br.t0 + br.tc;
    const int ke0 = ks0 + p.split_len < chunk_keys ? ks0 + p.split_len : chunk_keys;
    // A sliding window: keys before the first token's window are skipped
    // whole tiles at a time (the tile grid stays aligned to the split).
    int kb = ks0;
    if (p.window > 0) {
        const int lo = pos0 + br.t0 - p.window + 1;
        while (kb + tile <= lo) kb += tile;
    }
    for (int ks = kb; ks < ke0; ks += tile) {
        const int n = tile < ke0 - ks ? tile : ke0 - ks;
        load_tile(p.k, p.k_row_bytes, p.kv_type, br.kv_head, D, ks, n, k_s, KS);
        load_tile(p.v, p.v_row_bytes, p.kv_type, br.kv_head, DV, ks, n, v_s, DV);
        __syncthreads();

        tile_scores<TILE>(q_s, k_s, KS, p_s, R, D, n, ks, pos0, br, p.scale, p.window);
        __syncthreads();

        // One warp per row; every warp runs the same number of iterations so
        // all threads meet the same shuffles.
        for (int rb = 0; rb < R; rb += n_warps) {
            const int r = rb + warp;
            const bool live = r < R;
            const float m_old = live ? m_s[r] : -INFINITY;
            float mx = -INFINITY;
            if (live)
                for (int j = lane; j < tile; j += kWarp) mx = fmaxf(mx, p_s[r * tile + j]);
            const float m_new = fmaxf(m_old, warp_max(mx));
            float sum = 0.0f;
            if (live)
                for (int j = lane; j < tile; j += kWarp) {
                    const float e = m_new == -INFINITY ? 0.0f : expf(p_s[r * tile + j] - m_new);
                    p_s[r * tile + j] = e;
                    sum += e;
                }
            sum = warp_sum(sum);
            if (live && lane == 0) {
                const float alpha = m_new == -INFINITY ? 1.0f : expf(m_old - m_new);
                a_s[r] = alpha;
                l_s[r] = l_s[r] * alpha + sum;
                m_s[r] = m_new;
            }
        }
        __syncthreads();

        accumulate_pv<TILE>(acc, acc_ri, p_s, v_s, a_s, DV, n);
        __syncthreads();  // the next tile overwrites K, V and the probabilities
    }

    const size_t n_rows_all = size_t(p.n_tokens) * p.n_head;
    HEARTH_ATTN_UNROLL
    for (int a = 0; a < kAccPerThread; ++a) {
        if (acc_ri[a] >= 0) {
            const int r = acc_ri[a] >> 16, i = acc_ri[a] & 0xffff;
            const size_t row = size_t(br.token(r)) * p.n_head + br.head(r, p.group);
            if (p.n_splits == 1)
                p.out[row * DV + i] = finish(acc[a], m_s[r], l_s[r], p.sinks ? p.sinks + br.head(r, p.group) : nullptr);
            else
                p.part_acc[(size_t(blockIdx.z) * n_rows_all + row) * DV + i] = acc[a];
        }
    }
    if (p.n_splits > 1)
        for (int r = tid; r < R; r += kThreads) {
            const size_t row = size_t(br.token(r)) * p.n_head + br.head(r, p.group);
            float * ml = p.part_ml + (size_t(blockIdx.z) * n_rows_all + row) * 2;
            ml[0] = m_s[r];
            ml[1] = l_s[r];
        }
}

// Merges the splits of one (token, head) row: each split's sum and
// accumulator are rescaled to the global max. A split that saw no key (max
// -inf) contributes nothing; split 0 always sees position 0.
__global__ void attention_combine_kernel(const float * part_acc, const float * part_ml, float * out, int n_rows_all,
                                         int dv, int n_splits, const float * sinks, int n_head) {
    const size_t row = blockIdx.x;
    float mx = -INFINITY;
    for (int s = 0; s < n_splits; ++s) mx = fmaxf(mx, part_ml[(size_t(s) * n_rows_all + row) * 2]);
    float sum = 0.0f;
    for (int s = 0; s < n_splits; ++s) {
        const float * ml = part_ml + (size_t(s) * n_rows_all + row) * 2;
        if (ml[0] != -INFINITY) sum += expf(ml[0] - mx) * ml[1];
    }
    // The sink joins the denominator at the global max, as finish() does.
    float scale_acc = 1.0f;
    if (sinks) {
        const float sink = sinks[row % size_t(n_head)];
        const float m = fmaxf(mx, sink);
        scale_acc = expf(mx - m);
        sum = sum * scale_acc + expf(sink - m);
    }
    const float inv = scale_acc / sum;
    for (int i = int(threadIdx.x); i < dv; i += int(blockDim.x)) {
        float o = 0.0f;
        for (int s = 0; s < n_splits; ++s) {
            const float m = part_ml[(size_t(s) * n_rows_all + row) * 2];
            if (m != -INFINITY) o += expf(m - mx) * part_acc[(size_t(s) * n_rows_all + row) * dv + i];
        }
        out[row * dv + i] = o * inv;
    }
}

}  // namespace

size_t attention_scratch_bytes(const AttentionShape & s, int32_t n_tokens, int32_t n_ctx) {
    const int64_t nt = n_tokens < kSplitMaxTokens ? n_tokens : kSplitMaxTokens;
    int64_t splits = (int64_t(n_ctx) + kMinSplitKeys - 1) / kMinSplitKeys;
    splits = splits < kMaxSplits ? splits : kMaxSplits;
    if (nt <= 0 || splits <= 1) return 0;
    return size_t(nt) * size_t(s.n_head) * size_t(splits) * (size_t(s.head_dim_v) + 2) * sizeof(float);
}

void attention(const DeviceKvLayer & kv, const AttentionShape & s, const float * q, int32_t n_tokens, StepPos pos0,
               float * out, void * scratch, cudaStream_t stream, const AttnVariant & variant) {
    if (n_tokens <= 0 || s.n_head <= 0 || s.n_head_kv <= 0) return;
    const Plan plan = make_plan(s, n_tokens, kv.n_ctx, scratch != nullptr);
    AttnParams p{};
    p.k = static_cast<const uint8_t *>(kv.k);
    p.v = static_cast<const uint8_t *>(kv.v);
    p.k_row_bytes = kv.k_row_bytes;
    p.v_row_bytes = kv.v_row_bytes;
    p.kv_type = int(kv.type);
    p.q = q;
    p.out = out;
    const size_t n_rows_all = size_t(n_tokens) * size_t(s.n_head);
    p.part_acc = static_cast<float *>(scratch);
    p.part_ml =
        p.part_acc != nullptr ? p.part_acc + size_t(plan.n_splits) * n_rows_all * size_t(s.head_dim_v) : nullptr;
    p.n_head = s.n_head;
    p.group = s.n_head / s.n_head_kv;
    p.d = s.head_dim;
    p.dv = s.head_dim_v;
    p.n_tokens = n_tokens;
    p.pos = pos0;
    p.scale = variant.scale != 0.0f ? variant.scale : 1.0f / sqrtf(float(s.head_dim));
    p.window = variant.window;
    p.sinks = variant.sinks;
    p.gc = plan.gc;
    p.n_gsub = plan.n_gsub;
    p.tc = plan.tc;
    p.split_len = plan.split_len;
    p.n_splits = plan.n_splits;
    const dim3 grid(unsigned(s.n_head_kv * plan.n_gsub), unsigned(plan.n_tchunks), unsigned(plan.n_splits));
    if (plan.tile == 64)
        HEARTH_LAUNCH(attention_kernel<64>, grid, dim3(kThreads), plan.shared_bytes, stream, p);
    else if (plan.tile == 32)
        HEARTH_LAUNCH(attention_kernel<32>, grid, dim3(kThreads), plan.shared_bytes, stream, p);
    else if (plan.tile == 16)
        HEARTH_LAUNCH(attention_kernel<16>, grid, dim3(kThreads), plan.shared_bytes, stream, p);
    else
        HEARTH_LAUNCH(attention_kernel<8>, grid, dim3(kThreads), plan.shared_bytes, stream, p);
    if (plan.n_splits > 1) {
        const int threads = s.head_dim_v >= kThreads ? kThreads : (s.head_dim_v + kWarp - 1) / kWarp * kWarp;
        HEARTH_LAUNCH(attention_combine_kernel, dim3(unsigned(n_rows_all)), dim3(unsigned(threads)), 0, stream,
                      p.part_acc, p.part_ml, out, int(n_rows_all), s.head_dim_v, plan.n_splits, variant.sinks,
                      s.n_head);
    }
}

}  // namespace hearth::cuda
