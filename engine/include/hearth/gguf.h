// GGUF v2/v3 reader: a memory-mapped, fully validated view of a model file.
//
// File layout (little-endian):
//   u32 magic "GGUF" | u32 version | u64 n_tensors | u64 n_kv
//   n_kv x { string key | u32 value_type | value }
//   n_tensors x { string name | u32 n_dims | u64 ne[n_dims] | u32 type | u64 offset }
//   padding to `general.alignment` (default 32)
//   tensor data; each tensor at data_offset + offset, offset aligned
// A string is u64 length + bytes (no NUL). An array is u32 elem_type + u64 count + elements.
//
// Every count, length and offset is checked against the file before use, so a
// corrupt or hostile file throws hearth::Error (naming the problem and the
// offset) instead of crashing or allocating what the header claims. Metadata
// arrays may hold at most 2^23 items in all (each becomes a ~48-byte GgufValue).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "hearth/tensor_type.h"

namespace hearth {

// Metadata value type ids, stored on disk: never change them.
enum GgufType : uint32_t {
    GgufType_uint8 = 0,
    GgufType_int8 = 1,
    GgufType_uint16 = 2,
    GgufType_int16 = 3,
    GgufType_uint32 = 4,
    GgufType_int32 = 5,
    GgufType_float32 = 6,
    GgufType_bool = 7,
    GgufType_string = 8,
    GgufType_array = 9,
    GgufType_uint64 = 10,
    GgufType_int64 = 11,
    GgufType_float64 = 12,
    GgufType_COUNT = 13,
};

const char * gguf_type_name(GgufType type);

// llama.cpp's name for a `general.file_type` id (llama_ftype), e.g. 15 ->
// "MOSTLY_Q4_K_M"; ids with the GUESSED bit (1024) keep it as a " (guessed)"
// suffix. nullptr for ids llama.cpp never assigned.
const char * gguf_file_type_name(uint32_t file_type);

class GgufValue;

struct GgufArray {
    GgufType elem_type = GgufType_uint8;
    std::vector<GgufValue> items;
};

// One metadata value. Strings are views into the mapped file (zero copy), so a
// value must not outlive the GgufFile it came from.
class GgufValue {
public:
    GgufValue() = default;
    static GgufValue make_uint(GgufType type, uint64_t v);
    static GgufValue make_int(GgufType type, int64_t v);
    static GgufValue make_float(GgufType type, double v);
    static GgufValue make_bool(bool v);
    static GgufValue make_string(std::string_view v);
    static GgufValue make_array(GgufArray v);

    GgufType type() const { return m_type; }
    bool is_integer() const;
    bool is_float() const { return m_type == GgufType_float32 || m_type == GgufType_float64; }
    bool is_string() const { return m_type == GgufType_string; }
    bool is_array() const { return m_type == GgufType_array; }

    // Typed access. A value of another type throws hearth::Error naming `what`.
    int64_t as_int(std::string_view what = "value") const;
    uint64_t as_uint(std::string_view what = "value") const;
    double as_float(std::string_view what = "value") const;  // integers convert
    bool as_bool(std::string_view what = "value") const;
    std::string_view as_string(std::string_view what = "value") const;
    const GgufArray & as_array(std::string_view what = "value") const;

    // A short human-readable rendering; arrays longer than `max_items` are summarised.
    std::string to_string(size_t max_items = 8) const;

private:
    GgufType m_type = GgufType_uint8;
    std::variant<uint64_t, int64_t, double, bool, std::string_view, GgufArray> m_value;
};

struct GgufKv {
    std::string_view key;
    GgufValue value;
};

struct GgufTensor {
    std::string_view name;
    TensorType type = TensorType_F32;
    uint32_t n_dims = 0;
    int64_t ne[4] = {1, 1, 1, 1};  // ne[0] is the contiguous row length
    uint64_t offset = 0;           // relative to the start of the data section
    size_t n_bytes = 0;
    const uint8_t * data = nullptr;  // into the mapping

    int64_t n_elements() const { return ne[0] * ne[1] * ne[2] * ne[3]; }
    int64_t n_rows() const { return ne[1] * ne[2] * ne[3]; }
    std::string shape_string() const;  // "[4096, 32000]"
};

// The bytes a GgufFile reads: an mmap of a file, or an owned buffer (tests, fuzzing).
class ByteSource {
public:
    virtual ~ByteSource() = default;
    virtual const uint8_t * data() const = 0;
    virtual size_t size() const = 0;
};

std::shared_ptr<ByteSource> map_file(const std::string & path);  // throws ErrorCode_io
std::shared_ptr<ByteSource> own_bytes(std::vector<uint8_t> bytes);

class GgufFile {
public:
    // Maps and validates the file. Throws hearth::Error on any problem.
    static GgufFile open(const std::string & path);
    // Validates bytes already in memory; `label` names them in error messages.
    static GgufFile parse(std::shared_ptr<ByteSource> bytes, std::string label);

    const std::string & path() const { return m_label; }
    uint32_t version() const { return m_version; }
    size_t alignment() const { return m_alignment; }
    size_t data_offset() const { return m_data_offset; }
    size_t file_size() const { return m_bytes->size(); }
    const uint8_t * base() const { return m_bytes->data(); }

    const std::vector<GgufKv> & metadata() const { return m_kv; }
    const GgufValue * find(std::string_view key) const;
    bool has(std::string_view key) const { return find(key) != nullptr; }

    // Typed look-ups: `fallback` when the key is absent; hearth::Error when present with the wrong type.
    std::string_view get_string(std::string_view key, std::string_view fallback = {}) const;
    uint64_t get_uint(std::string_view key, uint64_t fallback) const;
    int64_t get_int(std::string_view key, int64_t fallback) const;
    double get_float(std::string_view key, double fallback) const;
    bool get_bool(std::string_view key, bool fallback) const;
    const GgufArray * get_array(std::string_view key) const;  // nullptr when absent

    const std::vector<GgufTensor> & tensors() const { return m_tensors; }
    const GgufTensor * find_tensor(std::string_view name) const;

    // The architecture string (`general.architecture`), or "" when absent.
    std::string_view architecture() const { return get_string("general.architecture"); }

private:
    std::shared_ptr<ByteSource> m_bytes;
    std::string m_label;
    uint32_t m_version = 0;
    size_t m_alignment = 32;
    size_t m_data_offset = 0;
    std::vector<GgufKv> m_kv;
    std::vector<GgufTensor> m_tensors;

    friend class GgufParser;
};

}  // namespace hearth
