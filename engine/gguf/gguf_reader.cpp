// GGUF parsing and validation. See hearth/gguf.h for the layout.
//
// Every read goes through Cursor, which checks the remaining length first.
// Counts read from the header are checked against the bytes left, assuming the
// smallest possible encoding of each item, before anything is reserved.
#include <algorithm>
#include <cinttypes>
#include <cstring>
#include <unordered_set>

#include "hearth/error.h"
#include "hearth/gguf.h"

namespace hearth {

namespace {

constexpr uint32_t kMagic = 0x46554747;  // "GGUF" read as little-endian u32
constexpr int kMaxArrayDepth = 8;
constexpr uint32_t kMaxDims = 4;
// Every array item becomes a GgufValue (~48 bytes) however small its encoding,
// so a hostile u8 array could make the parser allocate ~48x the file size.
// Real vocabularies hold well under a million items per array (Gemma's 262k
// tokens x 3 arrays + merges); refuse files whose arrays hold more in total.
constexpr uint64_t kMaxArrayItemsTotal = uint64_t(1) << 23;
// Counts in the header are only bounded by the file size; reserve no more than
// this up front and let real items grow the vectors.
constexpr uint64_t kMaxReserve = 4096;

std::string hex(size_t v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "0x%zx", v);
    return buf;
}

// Smallest encoded size of one element of `type`, for bounding counts.
size_t min_encoded_size(GgufType type) {
    switch (type) {
        case GgufType_uint8:
        case GgufType_int8:
        case GgufType_bool:
            return 1;
        case GgufType_uint16:
        case GgufType_int16:
            return 2;
        case GgufType_uint32:
        case GgufType_int32:
        case GgufType_float32:
            return 4;
        case GgufType_string:
            return 8;
        case GgufType_array:
            return 12;
        default:
            return 8;
    }
}

}  // namespace

class GgufParser {
public:
    GgufParser(GgufFile & f) : m_f(f), m_data(f.m_bytes->data()), m_size(f.m_bytes->size()) {}

    void run() {
        read_header();
        read_metadata();
        read_alignment();
        read_tensor_infos();
        place_tensors();
    }

private:
    GgufFile & m_f;
    const uint8_t * m_data;
    size_t m_size;
    size_t m_pos = 0;
    uint64_t m_n_tensors = 0;
    uint64_t m_n_kv = 0;
    uint64_t m_array_items = 0;
    size_t m_alignment_at = 0;  // where general.alignment's value is, for errors

    [[noreturn]] void fail(const std::string & what, size_t at) const {
        throw Error(ErrorCode_format, "GGUF '" + m_f.m_label + "': " + what + " (at offset " + hex(at) + ")");
    }

    size_t remaining() const { return m_size - m_pos; }

    void need(size_t n, const char * what) const {
        if (n > remaining())
            fail(std::string("file is truncated: ") + what + " needs " + std::to_string(n) + " bytes but only " +
                     std::to_string(remaining()) + " remain",
                 m_pos);
    }

    template <typename T>
    T read(const char * what) {
        need(sizeof(T), what);
        T v;
        std::memcpy(&v, m_data + m_pos, sizeof(T));
        m_pos += sizeof(T);
        return v;
    }

    std::string_view read_string(const char * what) {
        size_t at = m_pos;
        uint64_t len = read<uint64_t>(what);
        if (len > remaining())
            fail(std::string(what) + " claims " + std::to_string(len) + " bytes but only " +
                     std::to_string(remaining()) + " remain",
                 at);
        std::string_view s(reinterpret_cast<const char *>(m_data + m_pos), static_cast<size_t>(len));
        m_pos += static_cast<size_t>(len);
        return s;
    }

    void read_header() {
        uint32_t magic = read<uint32_t>("magic");
        if (magic != kMagic) fail("not a GGUF file (bad magic)", 0);
        uint32_t version = read<uint32_t>("version");
        if (version == 1) fail("GGUF version 1 is obsolete and not supported; re-convert the model", 4);
        if ((version & 0xFFFF) == 0 && version != 0) fail("big-endian GGUF files are not supported", 4);
        if (version != 2 && version != 3) fail("unsupported GGUF version " + std::to_string(version), 4);
        m_f.m_version = version;
        m_n_tensors = read<uint64_t>("tensor count");
        m_n_kv = read<uint64_t>("metadata count");
        // Minimum encodings: a kv is key(8) + type(4) + 1 byte; a tensor info is name(8) + n_dims(4) + type(4) +
        // offset(8).
        if (m_n_kv > remaining() / 13)
            fail(
                "metadata count " + std::to_string(m_n_kv) + " exceeds the file size; the file is truncated or corrupt",
                16);
        if (m_n_tensors > remaining() / 24)
            fail("tensor count " + std::to_string(m_n_tensors) +
                     " exceeds the file size; the file is truncated or corrupt",
                 8);
    }

    GgufValue read_value(GgufType type, int depth, const std::string & key) {
        size_t at = m_pos;
        switch (type) {
            case GgufType_uint8:
                return GgufValue::make_uint(type, read<uint8_t>("u8 value"));
            case GgufType_int8:
                return GgufValue::make_int(type, read<int8_t>("i8 value"));
            case GgufType_uint16:
                return GgufValue::make_uint(type, read<uint16_t>("u16 value"));
            case GgufType_int16:
                return GgufValue::make_int(type, read<int16_t>("i16 value"));
            case GgufType_uint32:
                return GgufValue::make_uint(type, read<uint32_t>("u32 value"));
            case GgufType_int32:
                return GgufValue::make_int(type, read<int32_t>("i32 value"));
            case GgufType_uint64:
                return GgufValue::make_uint(type, read<uint64_t>("u64 value"));
            case GgufType_int64:
                return GgufValue::make_int(type, read<int64_t>("i64 value"));
            case GgufType_float32:
                return GgufValue::make_float(type, read<float>("f32 value"));
            case GgufType_float64:
                return GgufValue::make_float(type, read<double>("f64 value"));
            case GgufType_bool: {
                uint8_t b = read<uint8_t>("bool value");
                if (b > 1) fail("bool value of '" + key + "' is " + std::to_string(b) + ", not 0 or 1", at);
                return GgufValue::make_bool(b != 0);
            }
            case GgufType_string:
                return GgufValue::make_string(read_string("string value"));
            case GgufType_array:
                return read_array(depth, key);
            default:
                fail("unknown value type " + std::to_string(type) + " for '" + key + "'", at);
        }
    }

    GgufValue read_array(int depth, const std::string & key) {
        size_t at = m_pos;
        if (depth >= kMaxArrayDepth) fail("arrays nested deeper than " + std::to_string(kMaxArrayDepth), at);
        uint32_t elem = read<uint32_t>("array element type");
        if (elem >= GgufType_COUNT)
            fail("unknown array element type " + std::to_string(elem) + " for '" + key + "'", at);
        uint64_t count = read<uint64_t>("array length");
        size_t min_size = min_encoded_size(static_cast<GgufType>(elem));
        if (count > remaining() / min_size)
            fail("array '" + key + "' claims " + std::to_string(count) + " items, more than the file can hold", at);
        m_array_items += count;
        if (m_array_items > kMaxArrayItemsTotal)
            fail("metadata arrays hold more than " + std::to_string(kMaxArrayItemsTotal) + " items in total (array '" +
                     key + "' adds " + std::to_string(count) + ")",
                 at);
        GgufArray arr;
        arr.elem_type = static_cast<GgufType>(elem);
        arr.items.reserve(static_cast<size_t>(count));  // bounded by the file size and the total cap
        for (uint64_t i = 0; i < count; ++i) arr.items.push_back(read_value(arr.elem_type, depth + 1, key));
        return GgufValue::make_array(std::move(arr));
    }

    void read_metadata() {
        std::unordered_set<std::string_view> seen;
        m_f.m_kv.reserve(static_cast<size_t>(std::min(m_n_kv, kMaxReserve)));
        for (uint64_t i = 0; i < m_n_kv; ++i) {
            size_t at = m_pos;
            std::string_view key = read_string("metadata key");
            if (key.empty()) fail("empty metadata key", at);
            if (!seen.insert(key).second) fail("duplicate metadata key '" + std::string(key) + "'", at);
            size_t type_at = m_pos;
            uint32_t type = read<uint32_t>("metadata value type");
            if (type >= GgufType_COUNT)
                fail("unknown value type " + std::to_string(type) + " for '" + std::string(key) + "'", type_at);
            if (key == "general.alignment") m_alignment_at = type_at;
            GgufValue v = read_value(static_cast<GgufType>(type), 0, std::string(key));
            m_f.m_kv.push_back({key, std::move(v)});
        }
    }

    void read_alignment() {
        const GgufValue * a = m_f.find("general.alignment");
        if (a == nullptr) return;
        if (a->type() != GgufType_uint32)
            fail(std::string("general.alignment must be a u32, not ") + gguf_type_name(a->type()), m_alignment_at);
        uint64_t align = a->as_uint();
        if (align == 0 || (align & (align - 1)) != 0)
            fail("general.alignment " + std::to_string(align) + " is not a power of two", m_alignment_at);
        m_f.m_alignment = static_cast<size_t>(align);
    }

    void read_tensor_infos() {
        std::unordered_set<std::string_view> seen;
        m_f.m_tensors.reserve(static_cast<size_t>(std::min(m_n_tensors, kMaxReserve)));
        for (uint64_t i = 0; i < m_n_tensors; ++i) {
            size_t at = m_pos;
            GgufTensor t;
            t.name = read_string("tensor name");
            std::string name(t.name);
            if (!seen.insert(t.name).second) fail("duplicate tensor '" + name + "'", at);
            t.n_dims = read<uint32_t>("tensor dimension count");
            if (t.n_dims > kMaxDims)
                fail("tensor '" + name + "' has " + std::to_string(t.n_dims) + " dimensions (at most 4)", at);
            int64_t n_elements = 1;
            for (uint32_t d = 0; d < t.n_dims; ++d) {
                uint64_t ne = read<uint64_t>("tensor dimension");
                if (ne > static_cast<uint64_t>(INT64_MAX) ||
                    (ne != 0 && static_cast<uint64_t>(n_elements) > static_cast<uint64_t>(INT64_MAX) / ne))
                    fail("tensor '" + name + "' has an impossible shape", at);
                t.ne[d] = static_cast<int64_t>(ne);
                n_elements *= t.ne[d];
            }
            size_t type_at = m_pos;
            uint32_t type = read<uint32_t>("tensor type");
            if (!tensor_type_known(type))
                fail("tensor '" + name + "' has unknown type id " + std::to_string(type), type_at);
            t.type = static_cast<TensorType>(type);
            const TensorTypeInfo & info = tensor_type_info(type);
            if (t.ne[0] % info.block_elems != 0)
                fail("tensor '" + name + "' row length " + std::to_string(t.ne[0]) + " is not a multiple of the " +
                         info.name + " block size " + std::to_string(info.block_elems),
                     at);
            t.offset = read<uint64_t>("tensor data offset");
            if (t.offset % m_f.m_alignment != 0)
                fail("tensor '" + name + "' data offset " + std::to_string(t.offset) + " is not aligned to " +
                         std::to_string(m_f.m_alignment),
                     at);
            // n_elements <= file size * block_elems, so this product cannot overflow for a valid file;
            // reject anything whose byte count does not fit before multiplying.
            uint64_t n_blocks = static_cast<uint64_t>(n_elements) / info.block_elems;
            if (n_blocks > m_size / info.block_bytes + 1)
                fail("tensor '" + name + "' " + t.shape_string() + " is larger than the file", at);
            t.n_bytes = static_cast<size_t>(n_blocks * info.block_bytes);
            m_f.m_tensors.push_back(t);
        }
    }

    void place_tensors() {
        size_t align = m_f.m_alignment;
        size_t data_offset = (m_pos + align - 1) / align * align;
        if (data_offset > m_size && !m_f.m_tensors.empty()) fail("file is truncated before the tensor data", m_pos);
        m_f.m_data_offset = data_offset;
        size_t data_size = m_size >= data_offset ? m_size - data_offset : 0;

        std::vector<const GgufTensor *> by_offset;
        for (GgufTensor & t : m_f.m_tensors) {
            if (t.offset > data_size || t.n_bytes > data_size - t.offset)
                fail("tensor '" + std::string(t.name) + "' data [" + hex(data_offset + t.offset) + ", +" +
                         std::to_string(t.n_bytes) + ") runs past the end of the file (" + std::to_string(m_size) +
                         " bytes); the file is truncated or corrupt",
                     data_offset + static_cast<size_t>(std::min<uint64_t>(t.offset, data_size)));
            t.data = m_data + data_offset + t.offset;
            if (t.n_bytes > 0) by_offset.push_back(&t);  // an empty tensor overlaps nothing
        }
        std::sort(by_offset.begin(), by_offset.end(),
                  [](const GgufTensor * a, const GgufTensor * b) { return a->offset < b->offset; });
        for (size_t i = 1; i < by_offset.size(); ++i) {
            const GgufTensor * prev = by_offset[i - 1];
            const GgufTensor * cur = by_offset[i];
            if (prev->offset + prev->n_bytes > cur->offset)
                fail("tensor '" + std::string(cur->name) + "' overlaps tensor '" + std::string(prev->name) + "'",
                     data_offset + cur->offset);
        }
    }
};

GgufFile GgufFile::open(const std::string & path) {
    return parse(map_file(path), path);
}

GgufFile GgufFile::parse(std::shared_ptr<ByteSource> bytes, std::string label) {
    GgufFile f;
    f.m_bytes = std::move(bytes);
    f.m_label = std::move(label);
    GgufParser(f).run();
    return f;
}

const GgufValue * GgufFile::find(std::string_view key) const {
    for (const GgufKv & kv : m_kv)
        if (kv.key == key) return &kv.value;
    return nullptr;
}

std::string_view GgufFile::get_string(std::string_view key, std::string_view fallback) const {
    const GgufValue * v = find(key);
    return v ? v->as_string(key) : fallback;
}

uint64_t GgufFile::get_uint(std::string_view key, uint64_t fallback) const {
    const GgufValue * v = find(key);
    return v ? v->as_uint(key) : fallback;
}

int64_t GgufFile::get_int(std::string_view key, int64_t fallback) const {
    const GgufValue * v = find(key);
    return v ? v->as_int(key) : fallback;
}

double GgufFile::get_float(std::string_view key, double fallback) const {
    const GgufValue * v = find(key);
    return v ? v->as_float(key) : fallback;
}

bool GgufFile::get_bool(std::string_view key, bool fallback) const {
    const GgufValue * v = find(key);
    return v ? v->as_bool(key) : fallback;
}

const GgufArray * GgufFile::get_array(std::string_view key) const {
    const GgufValue * v = find(key);
    return v ? &v->as_array(key) : nullptr;
}

const GgufTensor * GgufFile::find_tensor(std::string_view name) const {
    for (const GgufTensor & t : m_tensors)
        if (t.name == name) return &t;
    return nullptr;
}

}  // namespace hearth
