// GGUF v2/v3 writer: builds model files for tests and tools (synthetic models,
// re-packed metadata). The layout is the one hearth/gguf.h describes; v2 and v3
// are byte-identical apart from the version field.
//
// Metadata is encoded as soon as it is added, so a GgufValue whose strings view
// another GgufFile (or a temporary) may be passed straight in. Tensor bytes are
// copied. Whatever the writer produces, GgufFile accepts: bad input (a value
// out of range for its type, a duplicate key or tensor, a shape whose row is not
// a whole number of blocks, a byte count that does not match the shape) throws
// hearth::Error(ErrorCode_invalid_argument) at the call that adds it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "hearth/gguf.h"

namespace hearth {

class GgufWriter {
public:
    explicit GgufWriter(uint32_t version = 3);

    void set_version(uint32_t version);  // 2 or 3
    uint32_t version() const { return m_version; }
    // Sets the data alignment and writes it as `general.alignment` (u32).
    // A power of two; the default, 32, is not written unless set.
    void set_alignment(uint32_t alignment);
    uint32_t alignment() const { return m_alignment; }

    // Any value, including arrays and nested arrays. Integer values must fit
    // their declared type; array items must all have the array's element type.
    void add(std::string_view key, const GgufValue & value);

    void add_u8(std::string_view key, uint8_t v) { add(key, GgufValue::make_uint(GgufType_uint8, v)); }
    void add_i8(std::string_view key, int8_t v) { add(key, GgufValue::make_int(GgufType_int8, v)); }
    void add_u16(std::string_view key, uint16_t v) { add(key, GgufValue::make_uint(GgufType_uint16, v)); }
    void add_i16(std::string_view key, int16_t v) { add(key, GgufValue::make_int(GgufType_int16, v)); }
    void add_u32(std::string_view key, uint32_t v) { add(key, GgufValue::make_uint(GgufType_uint32, v)); }
    void add_i32(std::string_view key, int32_t v) { add(key, GgufValue::make_int(GgufType_int32, v)); }
    void add_u64(std::string_view key, uint64_t v) { add(key, GgufValue::make_uint(GgufType_uint64, v)); }
    void add_i64(std::string_view key, int64_t v) { add(key, GgufValue::make_int(GgufType_int64, v)); }
    void add_f32(std::string_view key, float v) { add(key, GgufValue::make_float(GgufType_float32, v)); }
    void add_f64(std::string_view key, double v) { add(key, GgufValue::make_float(GgufType_float64, v)); }
    void add_bool(std::string_view key, bool v) { add(key, GgufValue::make_bool(v)); }
    void add_string(std::string_view key, std::string_view v) { add(key, GgufValue::make_string(v)); }

    // Common array shapes (tokenizer vocabularies, scores, token types).
    void add_string_array(std::string_view key, const std::vector<std::string> & items);
    void add_f32_array(std::string_view key, const std::vector<float> & items);
    void add_i32_array(std::string_view key, const std::vector<int32_t> & items);

    bool has(std::string_view key) const;
    void remove(std::string_view key);  // no-op when absent

    // A tensor of ne[0..n) elements (ne[0] contiguous, at most 4 dims; none is a scalar) whose
    // bytes are exactly tensor_row_bytes(type, ne[0]) * rows.
    void add_tensor(std::string_view name, TensorType type, const std::vector<int64_t> & ne, const void * data,
                    size_t n_bytes);
    void add_tensor(std::string_view name, TensorType type, const std::vector<int64_t> & ne,
                    const std::vector<uint8_t> & bytes) {
        add_tensor(name, type, ne, bytes.data(), bytes.size());
    }
    // A tensor described by its header entry alone (planner tests: real model
    // shapes without their gigabytes). Only write_sparse_file writes these.
    void add_tensor_info(std::string_view name, TensorType type, const std::vector<int64_t> & ne);
    // Convenience: an F32 tensor from floats.
    void add_tensor_f32(std::string_view name, const std::vector<int64_t> & ne, const std::vector<float> & values);

    size_t n_kv() const { return m_kv.size(); }
    size_t n_tensors() const { return m_tensors.size(); }

    // Serialisation. write_file throws ErrorCode_io when the file cannot be written.
    std::vector<uint8_t> to_bytes() const;
    void write_file(const std::string & path) const;
    // The header, then a hole up to the file's full size: a sparse file whose
    // tensors read as zeros and take no disk space.
    void write_sparse_file(const std::string & path) const;
    void write(const std::function<void(const uint8_t *, size_t)> & sink) const;

private:
    struct Kv {
        std::string key;
        std::vector<uint8_t> encoded;  // u32 type + value
    };
    struct Tensor {
        std::string name;
        TensorType type;
        std::vector<int64_t> ne;
        std::vector<uint8_t> bytes;
        size_t n_bytes = 0;  // bytes.size(), or the size of a header-only tensor
        bool header_only = false;
    };
    size_t checked_bytes(const std::string & name, TensorType type, const std::vector<int64_t> & ne) const;
    std::vector<uint8_t> header() const;

    uint32_t m_version = 3;
    uint32_t m_alignment = 32;
    std::vector<Kv> m_kv;
    std::vector<Tensor> m_tensors;
};

}  // namespace hearth
