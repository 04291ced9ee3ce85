// GGUF serialisation. See hearth/gguf_writer.h.
#include "hearth/gguf_writer.h"

#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>

#include "hearth/error.h"

namespace hearth {

namespace {

constexpr uint32_t kMagic = 0x46554747;  // "GGUF" as a little-endian u32
constexpr int kMaxArrayDepth = 8;        // what the reader accepts

[[noreturn]] void bad(const std::string & what) {
    throw Error(ErrorCode_invalid_argument, "GgufWriter: " + what);
}

template <typename T>
void put(std::vector<uint8_t> & out, T v) {
    uint8_t b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));
    out.insert(out.end(), b, b + sizeof(T));
}

void put_string(std::vector<uint8_t> & out, std::string_view s) {
    put<uint64_t>(out, s.size());
    out.insert(out.end(), s.begin(), s.end());
}

template <typename T>
void put_uint(std::vector<uint8_t> & out, uint64_t v, std::string_view key) {
    if (v > std::numeric_limits<T>::max())
        bad("value " + std::to_string(v) + " of '" + std::string(key) + "' overflows its type");
    put<T>(out, static_cast<T>(v));
}

template <typename T>
void put_int(std::vector<uint8_t> & out, int64_t v, std::string_view key) {
    if (v < std::numeric_limits<T>::min() || v > std::numeric_limits<T>::max())
        bad("value " + std::to_string(v) + " of '" + std::string(key) + "' overflows its type");
    put<T>(out, static_cast<T>(v));
}

// The value's bytes without its type tag (arrays carry their element type inside).
void put_value(std::vector<uint8_t> & out, const GgufValue & v, std::string_view key, int depth) {
    switch (v.type()) {
        case GgufType_uint8:
            put_uint<uint8_t>(out, v.as_uint(key), key);
            break;
        case GgufType_uint16:
            put_uint<uint16_t>(out, v.as_uint(key), key);
            break;
        case GgufType_uint32:
            put_uint<uint32_t>(out, v.as_uint(key), key);
            break;
        case GgufType_uint64:
            put_uint<uint64_t>(out, v.as_uint(key), key);
            break;
        case GgufType_int8:
            put_int<int8_t>(out, v.as_int(key), key);
            break;
        case GgufType_int16:
            put_int<int16_t>(out, v.as_int(key), key);
            break;
        case GgufType_int32:
            put_int<int32_t>(out, v.as_int(key), key);
            break;
        case GgufType_int64:
            put_int<int64_t>(out, v.as_int(key), key);
            break;
        case GgufType_float32:
            put<float>(out, static_cast<float>(v.as_float(key)));
            break;
        case GgufType_float64:
            put<double>(out, v.as_float(key));
            break;
        case GgufType_bool:
            put<uint8_t>(out, v.as_bool(key) ? 1 : 0);
            break;
        case GgufType_string:
            put_string(out, v.as_string(key));
            break;
        case GgufType_array: {
            if (depth >= kMaxArrayDepth)
                bad("arrays in '" + std::string(key) + "' are nested deeper than " + std::to_string(kMaxArrayDepth));
            const GgufArray & a = v.as_array(key);
            if (a.elem_type >= GgufType_COUNT) bad("array '" + std::string(key) + "' has an unknown element type");
            put<uint32_t>(out, a.elem_type);
            put<uint64_t>(out, a.items.size());
            for (const GgufValue & item : a.items) {
                if (item.type() != a.elem_type)
                    bad("array '" + std::string(key) + "' of " + gguf_type_name(a.elem_type) + " holds a " +
                        gguf_type_name(item.type()));
                put_value(out, item, key, depth + 1);
            }
            break;
        }
        default:
            bad("value of '" + std::string(key) + "' has an unknown type");
    }
}

size_t align_up(size_t n, size_t a) {
    return (n + a - 1) / a * a;
}

}  // namespace

GgufWriter::GgufWriter(uint32_t version) {
    set_version(version);
}

void GgufWriter::set_version(uint32_t version) {
    if (version != 2 && version != 3) bad("GGUF version " + std::to_string(version) + " cannot be written (2 or 3)");
    m_version = version;
}

void GgufWriter::set_alignment(uint32_t alignment) {
    if (alignment == 0 || (alignment & (alignment - 1)) != 0)
        bad("alignment " + std::to_string(alignment) + " is not a power of two");
    remove("general.alignment");
    add_u32("general.alignment", alignment);
}

void GgufWriter::add(std::string_view key, const GgufValue & value) {
    if (key.empty()) bad("empty metadata key");
    if (has(key)) bad("duplicate metadata key '" + std::string(key) + "'");
    if (key == "general.alignment") {
        if (value.type() != GgufType_uint32) bad("general.alignment must be a u32");
        uint64_t a = value.as_uint(key);
        if (a == 0 || (a & (a - 1)) != 0) bad("alignment " + std::to_string(a) + " is not a power of two");
        m_alignment = static_cast<uint32_t>(a);
    }
    Kv kv{std::string(key), {}};
    put<uint32_t>(kv.encoded, value.type());
    put_value(kv.encoded, value, key, 0);
    m_kv.push_back(std::move(kv));
}

void GgufWriter::add_string_array(std::string_view key, const std::vector<std::string> & items) {
    GgufArray a;
    a.elem_type = GgufType_string;
    a.items.reserve(items.size());
    for (const std::string & s : items) a.items.push_back(GgufValue::make_string(s));
    add(key, GgufValue::make_array(std::move(a)));
}

void GgufWriter::add_f32_array(std::string_view key, const std::vector<float> & items) {
    GgufArray a;
    a.elem_type = GgufType_float32;
    a.items.reserve(items.size());
    for (float f : items) a.items.push_back(GgufValue::make_float(GgufType_float32, f));
    add(key, GgufValue::make_array(std::move(a)));
}

void GgufWriter::add_i32_array(std::string_view key, const std::vector<int32_t> & items) {
    GgufArray a;
    a.elem_type = GgufType_int32;
    a.items.reserve(items.size());
    for (int32_t i : items) a.items.push_back(GgufValue::make_int(GgufType_int32, i));
    add(key, GgufValue::make_array(std::move(a)));
}

bool GgufWriter::has(std::string_view key) const {
    for (const Kv & kv : m_kv)
        if (kv.key == key) return true;
    return false;
}

void GgufWriter::remove(std::string_view key) {
    for (auto it = m_kv.begin(); it != m_kv.end(); ++it) {
        if (it->key != key) continue;
        if (key == "general.alignment") m_alignment = 32;
        m_kv.erase(it);
        return;
    }
}

size_t GgufWriter::checked_bytes(const std::string & n, TensorType type, const std::vector<int64_t> & ne) const {
    for (const Tensor & t : m_tensors)
        if (t.name == n) bad("duplicate tensor '" + n + "'");
    if (!tensor_type_known(type)) bad("tensor '" + n + "' has unknown type " + std::to_string(type));
    if (ne.size() > 4) bad("tensor '" + n + "' has " + std::to_string(ne.size()) + " dimensions (at most 4)");
    uint64_t rows = 1;
    for (size_t d = 1; d < ne.size(); ++d) {
        if (ne[d] < 0) bad("tensor '" + n + "' has a negative dimension");
        if (ne[d] != 0 && rows > UINT64_MAX / static_cast<uint64_t>(ne[d])) bad("tensor '" + n + "' is too large");
        rows *= static_cast<uint64_t>(ne[d]);
    }
    // No dimensions is a scalar: the reader sees ne = {1, 1, 1, 1}.
    const int64_t ne0 = ne.empty() ? 1 : ne[0];
    size_t row = tensor_row_bytes(type, ne0);
    if (row == 0 && ne0 != 0)
        bad("tensor '" + n + "' row of " + std::to_string(ne0) + " is not a whole number of " +
            tensor_type_info(type).name + " blocks");
    if (row != 0 && rows > SIZE_MAX / row) bad("tensor '" + n + "' is too large");
    return row * rows;
}

void GgufWriter::add_tensor(std::string_view name, TensorType type, const std::vector<int64_t> & ne, const void * data,
                            size_t n_bytes) {
    std::string n(name);
    const size_t want = checked_bytes(n, type, ne);
    if (want != n_bytes)
        bad("tensor '" + n + "' needs " + std::to_string(want) + " bytes, got " + std::to_string(n_bytes));
    const uint8_t * p = static_cast<const uint8_t *>(data);
    m_tensors.push_back({std::move(n), type, ne, std::vector<uint8_t>(p, p + n_bytes), n_bytes, false});
}

void GgufWriter::add_tensor_info(std::string_view name, TensorType type, const std::vector<int64_t> & ne) {
    std::string n(name);
    const size_t bytes = checked_bytes(n, type, ne);
    m_tensors.push_back({std::move(n), type, ne, {}, bytes, true});
}

void GgufWriter::add_tensor_f32(std::string_view name, const std::vector<int64_t> & ne,
                                const std::vector<float> & values) {
    add_tensor(name, TensorType_F32, ne, values.data(), values.size() * sizeof(float));
}

std::vector<uint8_t> GgufWriter::header() const {
    std::vector<uint8_t> head;
    put<uint32_t>(head, kMagic);
    put<uint32_t>(head, m_version);
    put<uint64_t>(head, m_tensors.size());
    put<uint64_t>(head, m_kv.size());
    for (const Kv & kv : m_kv) {
        put_string(head, kv.key);
        head.insert(head.end(), kv.encoded.begin(), kv.encoded.end());
    }
    // Each tensor starts at an aligned offset in the data section; its padding follows it.
    uint64_t offset = 0;
    for (const Tensor & t : m_tensors) {
        put_string(head, t.name);
        put<uint32_t>(head, static_cast<uint32_t>(t.ne.size()));
        for (int64_t d : t.ne) put<uint64_t>(head, static_cast<uint64_t>(d));
        put<uint32_t>(head, t.type);
        put<uint64_t>(head, offset);
        offset += align_up(t.n_bytes, m_alignment);
    }
    head.resize(align_up(head.size(), m_alignment), 0);
    return head;
}

void GgufWriter::write(const std::function<void(const uint8_t *, size_t)> & sink) const {
    for (const Tensor & t : m_tensors)
        if (t.header_only) bad("tensor '" + t.name + "' has no data; only write_sparse_file writes it");
    const std::vector<uint8_t> head = header();
    sink(head.data(), head.size());
    const std::vector<uint8_t> zeros(m_alignment, 0);
    for (const Tensor & t : m_tensors) {
        sink(t.bytes.data(), t.bytes.size());
        size_t pad = align_up(t.bytes.size(), m_alignment) - t.bytes.size();
        if (pad > 0) sink(zeros.data(), pad);
    }
}

void GgufWriter::write_sparse_file(const std::string & path) const {
    const std::vector<uint8_t> head = header();
    uint64_t total = head.size();
    for (const Tensor & t : m_tensors) total += align_up(t.n_bytes, m_alignment);
    FILE * f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) throw Error(ErrorCode_io, "cannot create '" + path + "': " + std::strerror(errno));
    bool ok = std::fwrite(head.data(), 1, head.size(), f) == head.size();
    ok = ok && std::fflush(f) == 0 && ftruncate(fileno(f), off_t(total)) == 0;
    const int saved = errno;
    if (std::fclose(f) != 0 || !ok) throw Error(ErrorCode_io, "cannot write '" + path + "': " + std::strerror(saved));
}

std::vector<uint8_t> GgufWriter::to_bytes() const {
    std::vector<uint8_t> out;
    write([&](const uint8_t * p, size_t n) { out.insert(out.end(), p, p + n); });
    return out;
}

void GgufWriter::write_file(const std::string & path) const {
    FILE * f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) throw Error(ErrorCode_io, "cannot create '" + path + "': " + std::strerror(errno));
    bool ok = true;
    write([&](const uint8_t * p, size_t n) {
        if (ok && n > 0 && std::fwrite(p, 1, n, f) != n) ok = false;
    });
    int saved = errno;
    if (std::fclose(f) != 0 && ok) {
        ok = false;
        saved = errno;
    }
    if (!ok) throw Error(ErrorCode_io, "cannot write '" + path + "': " + std::strerror(saved));
}

}  // namespace hearth
