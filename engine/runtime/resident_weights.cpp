#include "runtime/resident_weights.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "cpu/thread_pool.h"
#include "quant/quant.h"

namespace hearth {

namespace {

// The copy and the evaluator's buffers may take at most 3/4 of the available
// RAM: the rest is left to the system and to the file's page cache.
constexpr uint64_t kShareNum = 3, kShareDen = 4;
constexpr size_t kAlign = 64;                   // each tensor starts on a cache line (rows are unaligned anyway)
constexpr size_t kCopyChunk = size_t(8) << 20;  // bytes per parallel_for item

size_t align_up(size_t v) {
    return (v + kAlign - 1) / kAlign * kAlign;
}

// What one tensor copies: `count` pieces of `bytes`, `src_stride` apart in the
// mapping, packed back to back at `offset` in the arena.
struct Run {
    const uint8_t * src;
    size_t bytes;
    int64_t count;
    size_t src_stride;
    size_t offset;
};

// The runs to copy, and for every view the run that holds it.
class CopyPlan {
public:
    // A matrix: its rows, back to back.
    void add(WeightView & v) {
        const size_t bytes = tensor_row_bytes(v.type, v.n_in) * size_t(v.n_out);
        add_run(&v.data, {static_cast<const uint8_t *>(v.data), bytes, 1, bytes, 0});
    }
    // Expert tensors: each expert's matrix, packed (stride = expert_bytes in
    // the copy; half of a fused gate|up tensor has a stride of two matrices).
    void add(ExpertWeights & e) {
        add_run(&e.data, {static_cast<const uint8_t *>(e.data), e.expert_bytes, e.n_expert, e.stride, 0});
        m_experts.push_back(&e);
    }
    size_t bytes() const { return m_end; }

    // Copies every run into `arena` and points the views at their copies.
    void copy(uint8_t * arena, ThreadPool & pool) {
        struct Item {
            const Run * run;
            int64_t piece;
            size_t at;  // within the piece
        };
        std::vector<Item> items;
        for (const Run & r : m_runs)
            for (int64_t p = 0; p < r.count; ++p)
                for (size_t at = 0; at < r.bytes; at += kCopyChunk) items.push_back({&r, p, at});
        pool.parallel_for(int64_t(items.size()), [&](int64_t i0, int64_t i1, int) {
            for (int64_t i = i0; i < i1; ++i) {
                const Item & it = items[size_t(i)];
                const Run & r = *it.run;
                std::memcpy(arena + r.offset + size_t(it.piece) * r.bytes + it.at,
                            r.src + size_t(it.piece) * r.src_stride + it.at, std::min(kCopyChunk, r.bytes - it.at));
            }
        });
        for (const auto & [slot, run] : m_slots) *slot = arena + m_runs[run].offset;
        for (ExpertWeights * e : m_experts) e->stride = e->expert_bytes;
    }

private:
    void add_run(const void ** slot, Run r) {
        auto [it, added] = m_by_src.try_emplace(std::tuple(r.src, r.bytes, r.count, r.src_stride), m_runs.size());
        if (added) {
            r.offset = m_end;
            m_runs.push_back(r);
            m_end += align_up(r.bytes * size_t(r.count));
        }
        m_slots.emplace_back(slot, it->second);
    }

    std::vector<Run> m_runs;
    // The same bytes bound twice share one copy (a view of the same start
    // but another size gets its own).
    std::map<std::tuple<const uint8_t *, size_t, int64_t, size_t>, size_t> m_by_src;
    std::vector<std::pair<const void **, size_t>> m_slots;
    std::vector<ExpertWeights *> m_experts;
    size_t m_end = 0;
};

// An anonymous mapping, faulted in by the kernel in one call (MAP_POPULATE):
// on the measuring VM, 4 GiB took 0.5-1.4 s that way against 8-11 s of page
// faults taken one by one during the copy. Huge pages (MADV_HUGEPAGE) made no
// difference to decode there, and their compaction sometimes took seconds.
void * map_arena(size_t bytes) {
    void * p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    return p == MAP_FAILED ? nullptr : p;
}

std::string gib(uint64_t bytes) {
    const uint64_t tenths = (bytes * 10 + (uint64_t(1) << 29)) >> 30;
    return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " GiB";
}

}  // namespace

uint64_t cgroup_memory_left() {
    constexpr uint64_t kNone = UINT64_MAX;
    // /proc/self/cgroup: "0::/path" (v2), "N:memory:/path" (v1's memory controller).
    std::ifstream self("/proc/self/cgroup");
    std::string line, v2, v1;
    while (std::getline(self, line)) {
        if (line.rfind("0::", 0) == 0) v2 = line.substr(3);
        if (const size_t at = line.find(":memory:"); at != std::string::npos) v1 = line.substr(at + 8);
    }
    // A number from a cgroup file, or kNone ("max", absent, unreadable).
    const auto read_u64 = [](const std::string & file) -> uint64_t {
        std::ifstream in(file);
        std::string v;
        if (!(in >> v) || v.empty() || v.find_first_not_of("0123456789") != std::string::npos || v.size() > 19)
            return kNone;
        return std::stoull(v);
    };
    const auto left = [](uint64_t max, uint64_t current) -> uint64_t {
        // v1 reports "no limit" as a huge page-aligned number.
        if (max == kNone || current == kNone || max >= (uint64_t(1) << 62)) return kNone;
        return max > current ? max - current : 0;
    };
    uint64_t out = kNone;
    if (!v2.empty() && v2.find("..") == std::string::npos)
        out = std::min(out, left(read_u64("/sys/fs/cgroup" + v2 + "/memory.max"),
                                 read_u64("/sys/fs/cgroup" + v2 + "/memory.current")));
    if (!v1.empty() && v1.find("..") == std::string::npos)
        out = std::min(out, left(read_u64("/sys/fs/cgroup/memory" + v1 + "/memory.limit_in_bytes"),
                                 read_u64("/sys/fs/cgroup/memory" + v1 + "/memory.usage_in_bytes")));
    return out;
}

bool weights_fit_in_ram(uint64_t bytes, uint64_t other, uint64_t available) {
    return available != 0 && (bytes + other) / kShareNum <= available / kShareDen;
}

ResidentWeights::ResidentWeights(const ModelWeights & w, const Request & r, ThreadPool & pool) : m_model(w) {
    // The copy's 1-D pointers keep pointing into the model (which outlives
    // this): `owned` is not needed twice.
    m_copy = w;
    m_copy.owned.clear();
    CopyPlan plan;
    const int32_t n = std::min<int32_t>(r.n_cpu_layers, int32_t(m_copy.layers.size()));
    for (int32_t il = 0; il < n; ++il) {
        LayerWeights & l = m_copy.layers[size_t(il)];
        for (WeightView * v : l.matrices()) plan.add(*v);
        for (ExpertWeights * e : l.experts()) plan.add(*e);
    }
    if (r.output_on_cpu && m_copy.output.data) plan.add(m_copy.output);
    m_bytes = plan.bytes();
    if (m_bytes == 0) {
        m_note = "no weights on the CPU";
    } else if (!r.allowed) {
        m_note = "the weights are read in place from the file mapping (as asked)";
    } else if (!weights_fit_in_ram(m_bytes, r.other_bytes, r.available_bytes)) {
        m_note = "the CPU's " + gib(m_bytes) + " of weights are read in place from the file mapping: a copy would " +
                 "take more than 3/4 of the " + gib(r.available_bytes) + " of RAM available";
    } else if ((m_arena = map_arena(m_bytes)) == nullptr) {
        m_note = "the CPU's weights are read in place from the file mapping: " + gib(m_bytes) +
                 " of memory could not be mapped for a copy";
    } else {
        try {
            plan.copy(static_cast<uint8_t *>(m_arena), pool);
        } catch (...) {  // the copy's work list could not be allocated: no arena is left behind
            munmap(m_arena, m_bytes);
            m_arena = nullptr;
            throw;
        }
        // Read-only from here on: a stray write cannot corrupt the weights.
        mprotect(m_arena, m_bytes, PROT_READ);
    }
}

ResidentWeights::~ResidentWeights() {
    if (m_arena) munmap(m_arena, m_bytes);
}

}  // namespace hearth
