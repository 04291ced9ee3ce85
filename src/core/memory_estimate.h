// How much memory a model needs at a given context, and whether it fits.
//
// Pure functions over GGUF metadata figures, so the fit badge is unit tested
// without a GPU: the free VRAM is a parameter (0 when no GPU is known).
#pragma once

#include <QByteArray>
#include <QString>
#include <QtGlobal>

namespace Hearth {

enum class KvCacheType { F16, Q8_0 };

// The figures the estimate needs, read from GGUF metadata.
struct ModelShape {
    qint64 weightBytes = 0;  // sum of all tensor data
    int nLayer = 0;
    int nEmbd = 0;
    int nHeadKv = 0;
    int headDimK = 0;  // attention.key_length, or n_embd / n_head
    int headDimV = 0;  // attention.value_length, or headDimK
    int nVocab = 0;
};

struct MemoryEstimate {
    qint64 weights = 0;
    qint64 kvCache = 0;
    qint64 scratch = 0;
    qint64 total() const { return weights + kvCache + scratch; }
};

enum class FitBadge { FitsGpu, PartialOffload, CpuOnly, TooBig, Unsupported };

// Bytes per KV element: f16 is 2; q8_0 stores 32 int8 plus an f16 scale per block (34/32).
double kvBytesPerElement(KvCacheType type);

// KV cache = n_layer x ctx x n_head_kv x (head_dim_k + head_dim_v) x bytes/elem.
// Scratch covers the compute buffers of one 512-token prefill batch: activations
// (a handful of n_embd-wide f32 rows per token) and the f32 logits, plus a fixed
// 64 MiB for allocator slack and small tensors.
MemoryEstimate estimateMemory(const ModelShape & shape, int contextLength, KvCacheType kvType);

// Fits the GPU when the whole estimate fits the free VRAM; partial offload when
// VRAM and RAM together hold it; CPU only when there is no GPU and RAM holds it.
FitBadge fitBadge(const MemoryEstimate & estimate, qint64 freeRamBytes, qint64 freeVramBytes);

QString fitBadgeName(FitBadge badge);  // "fits GPU", "partial offload", "CPU only", "too big"

// MemAvailable from the text of /proc/meminfo, in bytes; -1 when absent.
qint64 parseMemAvailable(const QByteArray & procMeminfo);
// MemAvailable of this machine, or -1 when it cannot be read.
qint64 availableRamBytes();

}  // namespace Hearth
