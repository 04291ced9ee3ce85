// Every way GgufFile rejects a bad file, each with a real bad input: the error
// must be ErrorCode_format, say what is wrong, and give the byte offset.
//
// Files are laid out by hand (RawGguf) so offsets are known exactly. The
// canonical small file used for truncations is:
//   0x00 magic | 0x04 version | 0x08 n_tensors=1 | 0x10 n_kv=1
//   0x18 key "general.name" (u64 len + 12 bytes) | 0x2c type=string | 0x30 "tiny" (u64 len + 4)
//   0x3c tensor name "w" | 0x45 n_dims=1 | 0x49 ne0=4 | 0x51 type=F32 | 0x55 offset=0
//   0x5d padding | 0x60 data, 16 bytes | 0x70 end
#include <QTemporaryDir>
#include <QtTest>
#include <cstring>

#include "hearth/error.h"
#include "hearth/gguf.h"

using namespace hearth;

namespace {

struct RawGguf {
    std::vector<uint8_t> b;

    size_t pos() const { return b.size(); }
    template <typename T>
    size_t put(T v) {
        size_t at = b.size();
        uint8_t tmp[sizeof(T)];
        std::memcpy(tmp, &v, sizeof(T));
        b.insert(b.end(), tmp, tmp + sizeof(T));
        return at;
    }
    size_t u32(uint32_t v) { return put(v); }
    size_t u64(uint64_t v) { return put(v); }
    size_t str(std::string_view s) {
        size_t at = u64(s.size());
        b.insert(b.end(), s.begin(), s.end());
        return at;
    }
    void header(uint64_t n_tensors, uint64_t n_kv, uint32_t version = 3) {
        u32(0x46554747);
        u32(version);
        u64(n_tensors);
        u64(n_kv);
    }
    // Returns the offset of the value type field.
    size_t kv_u32(std::string_view key, uint32_t v) {
        str(key);
        size_t at = u32(GgufType_uint32);
        u32(v);
        return at;
    }
    size_t kv_string(std::string_view key, std::string_view v) {
        str(key);
        size_t at = u32(GgufType_string);
        str(v);
        return at;
    }
    // Returns the offset where the tensor info starts.
    size_t tensor(std::string_view name, std::vector<uint64_t> ne, uint32_t type, uint64_t offset) {
        size_t at = str(name);
        u32(static_cast<uint32_t>(ne.size()));
        for (uint64_t d : ne) u64(d);
        u32(type);
        u64(offset);
        return at;
    }
    void pad(size_t align = 32) {
        while (b.size() % align) b.push_back(0);
    }
    void zeros(size_t n) { b.insert(b.end(), n, 0); }
};

RawGguf canonical() {
    RawGguf r;
    r.header(1, 1);
    r.kv_string("general.name", "tiny");
    r.tensor("w", {4}, TensorType_F32, 0);
    r.pad();
    r.zeros(16);
    return r;
}

std::string hex(size_t v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "0x%zx", v);
    return buf;
}

// Parses and returns the error message, or "" (and a test failure) when it parsed.
std::string error_of(std::vector<uint8_t> bytes) {
    try {
        GgufFile::parse(own_bytes(std::move(bytes)), "bad.gguf");
    } catch (const Error & e) {
        if (e.code() != ErrorCode_format) return std::string("wrong code: ") + e.what();
        return e.what();
    }
    return "";
}

}  // namespace

// Checks the message mentions `what` and the offset, and names the file.
#define EXPECT_GGUF_ERROR(bytes, what, offset)                                                            \
    do {                                                                                                  \
        const std::string msg_ = error_of(bytes);                                                         \
        QVERIFY2(!msg_.empty(), "the file parsed but should have been rejected");                         \
        QVERIFY2(msg_.find(what) != std::string::npos, qPrintable(QString::fromStdString(msg_)));         \
        QVERIFY2(msg_.find("(at offset " + hex(offset) + ")") != std::string::npos,                       \
                 qPrintable(QString::fromStdString(msg_ + " -- expected offset " + hex(offset))));        \
        QVERIFY2(msg_.find("'bad.gguf'") != std::string::npos, qPrintable(QString::fromStdString(msg_))); \
    } while (0)

class GgufErrorsTest : public QObject {
    Q_OBJECT

private slots:
    void canonicalFileParses();
    void header();
    void truncatedAtEachSection_data();
    void truncatedAtEachSection();
    void lyingLengths();
    void lyingArrayCountsAllocateNothing();
    void nestedTooDeep();
    void unknownValueTypes();
    void badBool();
    void duplicateAndEmptyKeys();
    void tensorTypeAndShape();
    void tensorPlacement();
    void badAlignment();
    void fileErrors();
};

void GgufErrorsTest::canonicalFileParses() {
    RawGguf r = canonical();
    QCOMPARE(r.b.size(), size_t(0x70));
    GgufFile f = GgufFile::parse(own_bytes(r.b), "ok");
    QCOMPARE(f.get_string("general.name"), std::string_view("tiny"));
    QCOMPARE(f.data_offset(), size_t(0x60));
    QCOMPARE(f.tensors().at(0).n_bytes, size_t(16));
}

void GgufErrorsTest::header() {
    RawGguf r = canonical();
    std::vector<uint8_t> b = r.b;
    b[3] = 'X';
    EXPECT_GGUF_ERROR(b, "bad magic", 0);
    b = r.b;
    b[4] = 1;
    EXPECT_GGUF_ERROR(b, "version 1 is obsolete", 4);
    // A big-endian v3 file: the version reads as 0x03000000 little-endian.
    b = r.b;
    b[4] = 0, b[7] = 3;
    EXPECT_GGUF_ERROR(b, "big-endian", 4);
    b = r.b;
    b[4] = 4;
    EXPECT_GGUF_ERROR(b, "unsupported GGUF version 4", 4);
    b = r.b;
    b[4] = 0;
    EXPECT_GGUF_ERROR(b, "unsupported GGUF version 0", 4);
    // Counts that the file cannot possibly hold are refused before anything is reserved.
    RawGguf big;
    big.header(1, uint64_t(1) << 62);
    big.zeros(64);
    EXPECT_GGUF_ERROR(big.b, "metadata count 4611686018427387904 exceeds the file size", 0x10);
    RawGguf many;
    many.header(uint64_t(1) << 40, 0);
    many.zeros(64);
    EXPECT_GGUF_ERROR(many.b, "tensor count 1099511627776 exceeds the file size", 0x8);
}

void GgufErrorsTest::truncatedAtEachSection_data() {
    QTest::addColumn<int>("cut");
    QTest::addColumn<QString>("what");
    QTest::addColumn<int>("offset");
    QTest::newRow("empty") << 0 << "magic needs 4 bytes but only 0 remain" << 0x0;
    QTest::newRow("magic") << 3 << "magic needs 4 bytes" << 0x0;
    QTest::newRow("version") << 6 << "version needs 4 bytes" << 0x4;
    QTest::newRow("tensor count") << 12 << "tensor count needs 8 bytes" << 0x8;
    QTest::newRow("kv count") << 20 << "metadata count needs 8 bytes" << 0x10;
    // Too short for the smallest encoding of the kv (13 bytes) and tensor info (24 bytes)
    // the header promises: refused before reading them.
    QTest::newRow("key length") << 30 << "metadata count 1 exceeds the file size" << 0x10;
    QTest::newRow("key bytes") << 40 << "tensor count 1 exceeds the file size" << 0x8;
    QTest::newRow("value type") << 46 << "tensor count 1 exceeds the file size" << 0x8;
    QTest::newRow("string value") << 50 << "string value needs 8 bytes" << 0x30;
    QTest::newRow("string bytes") << 58 << "string value claims 4 bytes but only 2 remain" << 0x30;
    QTest::newRow("tensor name") << 65 << "tensor name needs 8 bytes" << 0x3c;
    QTest::newRow("n_dims") << 70 << "tensor dimension count needs 4 bytes" << 0x45;
    QTest::newRow("dimension") << 75 << "tensor dimension needs 8 bytes" << 0x49;
    QTest::newRow("tensor type") << 83 << "tensor type needs 4 bytes" << 0x51;
    QTest::newRow("tensor offset") << 90 << "tensor data offset needs 8 bytes" << 0x55;
    QTest::newRow("padding") << 93 << "truncated before the tensor data" << 0x5d;
    QTest::newRow("data") << 100 << "runs past the end of the file" << 0x60;
    QTest::newRow("last byte") << 111 << "runs past the end of the file" << 0x60;
}

void GgufErrorsTest::truncatedAtEachSection() {
    QFETCH(int, cut);
    QFETCH(QString, what);
    QFETCH(int, offset);
    std::vector<uint8_t> b = canonical().b;
    b.resize(size_t(cut));
    EXPECT_GGUF_ERROR(b, what.toStdString(), size_t(offset));
}

void GgufErrorsTest::lyingLengths() {
    // The second key of two, cut inside its length and inside its bytes.
    RawGguf two;
    two.header(0, 2);
    two.kv_string("a", std::string(40, 'x'));  // long enough for the header's count check
    size_t key2 = two.str("general.name");
    two.u32(GgufType_uint8);
    two.b.push_back(1);
    std::vector<uint8_t> cut(two.b.begin(), two.b.begin() + ptrdiff_t(key2 + 5));
    EXPECT_GGUF_ERROR(cut, "metadata key needs 8 bytes but only 5 remain", key2);
    cut.assign(two.b.begin(), two.b.begin() + ptrdiff_t(key2 + 12));
    EXPECT_GGUF_ERROR(cut, "metadata key claims 12 bytes but only 4 remain", key2);
    cut.assign(two.b.begin(), two.b.begin() + ptrdiff_t(key2 + 22));
    EXPECT_GGUF_ERROR(cut, "metadata value type needs 4 bytes", key2 + 20);

    RawGguf key;
    key.header(0, 1);
    key.u64(uint64_t(1) << 40);  // key length
    key.zeros(40);
    EXPECT_GGUF_ERROR(key.b, "metadata key claims 1099511627776 bytes", 0x18);

    RawGguf value;
    value.header(0, 1);
    value.str("k");
    value.u32(GgufType_string);
    size_t at = value.u64(~uint64_t(0));
    value.zeros(40);
    EXPECT_GGUF_ERROR(value.b, "string value claims 18446744073709551615 bytes", at);

    RawGguf name;
    name.header(1, 0);
    at = name.u64(uint64_t(1) << 33);
    name.zeros(64);
    EXPECT_GGUF_ERROR(name.b, "tensor name claims 8589934592 bytes", at);
}

void GgufErrorsTest::lyingArrayCountsAllocateNothing() {
    // 2^60 items would be ~55 EB as GgufValues; the count is checked against
    // the bytes left before anything is reserved (bad_alloc would fail the test).
    const uint32_t elem_types[] = {GgufType_uint8, GgufType_uint64, GgufType_string, GgufType_array};
    for (uint32_t elem : elem_types) {
        RawGguf r;
        r.header(0, 1);
        r.str("tokenizer.ggml.tokens");
        r.u32(GgufType_array);
        size_t at = r.u32(elem);
        r.u64(uint64_t(1) << 60);
        r.zeros(256);
        EXPECT_GGUF_ERROR(r.b, "claims 1152921504606846976 items, more than the file can hold", at);
    }
    // A count the file really holds but that exceeds the total item cap.
    const uint64_t n = (uint64_t(1) << 23) + 1;
    RawGguf cap;
    cap.header(0, 1);
    cap.str("huge");
    cap.u32(GgufType_array);
    size_t at = cap.u32(GgufType_uint8);
    cap.u64(n);
    cap.zeros(size_t(n));
    EXPECT_GGUF_ERROR(cap.b, "items in total (array 'huge' adds 8388609)", at);
}

void GgufErrorsTest::nestedTooDeep() {
    for (int levels : {8, 9}) {
        RawGguf r;
        r.header(0, 1);
        r.str("deep");
        r.u32(GgufType_array);
        size_t deepest = 0;
        for (int i = 0; i < levels; ++i) {
            deepest = r.u32(i + 1 < levels ? GgufType_array : GgufType_uint8);
            r.u64(1);
        }
        r.b.push_back(7);
        if (levels == 8) {
            GgufFile f = GgufFile::parse(own_bytes(r.b), "deep");  // the deepest accepted
            QCOMPARE(f.metadata().size(), size_t(1));
        } else {
            EXPECT_GGUF_ERROR(r.b, "arrays nested deeper than 8", deepest);
        }
    }
}

void GgufErrorsTest::unknownValueTypes() {
    RawGguf r;
    r.header(0, 1);
    r.str("general.odd");
    size_t at = r.u32(13);
    r.zeros(16);
    EXPECT_GGUF_ERROR(r.b, "unknown value type 13 for 'general.odd'", at);

    RawGguf a;
    a.header(0, 1);
    a.str("general.odd");
    a.u32(GgufType_array);
    at = a.u32(0xFFFFFFFFu);
    a.u64(1);
    a.zeros(16);
    EXPECT_GGUF_ERROR(a.b, "unknown array element type 4294967295 for 'general.odd'", at);
}

void GgufErrorsTest::badBool() {
    RawGguf r;
    r.header(0, 1);
    r.str("flag");
    r.u32(GgufType_bool);
    size_t at = r.pos();
    r.b.push_back(2);
    EXPECT_GGUF_ERROR(r.b, "bool value of 'flag' is 2, not 0 or 1", at);
}

void GgufErrorsTest::duplicateAndEmptyKeys() {
    RawGguf r;
    r.header(0, 2);
    r.kv_u32("general.quantization_version", 2);
    size_t at = r.pos();
    r.kv_u32("general.quantization_version", 2);
    EXPECT_GGUF_ERROR(r.b, "duplicate metadata key 'general.quantization_version'", at);

    RawGguf e;
    e.header(0, 1);
    e.kv_u32("", 1);
    EXPECT_GGUF_ERROR(e.b, "empty metadata key", 0x18);

    RawGguf t;
    t.header(2, 0);
    t.tensor("w", {4}, TensorType_F32, 0);
    at = t.tensor("w", {4}, TensorType_F32, 32);
    t.pad();
    t.zeros(64);
    EXPECT_GGUF_ERROR(t.b, "duplicate tensor 'w'", at);
}

void GgufErrorsTest::tensorTypeAndShape() {
    auto one_tensor = [](std::vector<uint64_t> ne, uint32_t type, size_t * info_at, size_t * type_at) {
        RawGguf r;
        r.header(1, 0);
        *info_at = r.tensor("t", ne, type, 0);
        *type_at = *info_at + 8 + 1 + 4 + 8 * ne.size();
        r.pad();
        r.zeros(4096);
        return r.b;
    };
    size_t info = 0, type = 0;
    auto b = one_tensor({32}, 4, &info, &type);  // id 4 was Q4_2, removed from ggml
    EXPECT_GGUF_ERROR(b, "tensor 't' has unknown type id 4", type);
    b = one_tensor({32}, 1000, &info, &type);
    EXPECT_GGUF_ERROR(b, "tensor 't' has unknown type id 1000", type);
    b = one_tensor({1, 1, 1, 1, 1}, TensorType_F32, &info, &type);
    EXPECT_GGUF_ERROR(b, "tensor 't' has 5 dimensions (at most 4)", info);
    b = one_tensor({uint64_t(1) << 62, 8}, TensorType_I8, &info, &type);
    EXPECT_GGUF_ERROR(b, "tensor 't' has an impossible shape", info);
    b = one_tensor({uint64_t(1) << 63}, TensorType_I8, &info, &type);
    EXPECT_GGUF_ERROR(b, "tensor 't' has an impossible shape", info);
    b = one_tensor({uint64_t(1) << 40, uint64_t(1) << 20}, TensorType_F32, &info, &type);
    EXPECT_GGUF_ERROR(b, "tensor 't' [1099511627776, 1048576] is larger than the file", info);
    b = one_tensor({33, 2}, TensorType_Q4_0, &info, &type);
    EXPECT_GGUF_ERROR(b, "tensor 't' row length 33 is not a multiple of the Q4_0 block size 32", info);
    b = one_tensor({128}, TensorType_Q4_K, &info, &type);
    EXPECT_GGUF_ERROR(b, "row length 128 is not a multiple of the Q4_K block size 256", info);
}

void GgufErrorsTest::tensorPlacement() {
    RawGguf mis;
    mis.header(1, 0);
    size_t at = mis.tensor("t", {4}, TensorType_F32, 16);
    mis.pad();
    mis.zeros(64);
    EXPECT_GGUF_ERROR(mis.b, "tensor 't' data offset 16 is not aligned to 32", at);

    RawGguf past;
    past.header(1, 0);
    past.tensor("t", {4}, TensorType_F32, 1024);
    past.pad();
    size_t data = past.pos();
    past.zeros(64);
    EXPECT_GGUF_ERROR(past.b, "tensor 't' data [" + hex(data + 1024) + ", +16) runs past the end", data + 64);

    RawGguf tail;  // the last tensor's bytes end one byte after the file
    tail.header(1, 0);
    tail.tensor("t", {16}, TensorType_F32, 32);
    tail.pad();
    data = tail.pos();
    tail.zeros(32 + 63);
    EXPECT_GGUF_ERROR(tail.b, "runs past the end of the file (" + std::to_string(tail.b.size()) + " bytes)", data + 32);

    RawGguf overlap;
    overlap.header(2, 0);
    overlap.tensor("a", {16}, TensorType_F32, 0);  // bytes [0, 64)
    overlap.tensor("b", {8}, TensorType_F32, 32);  // bytes [32, 64)
    overlap.pad();
    data = overlap.pos();
    overlap.zeros(128);
    EXPECT_GGUF_ERROR(overlap.b, "tensor 'b' overlaps tensor 'a'", data + 32);

    // Touching is fine; so are zero-byte tensors sharing an offset.
    RawGguf touch;
    touch.header(3, 0);
    touch.tensor("a", {8}, TensorType_F32, 0);
    touch.tensor("b", {8}, TensorType_F32, 32);
    touch.tensor("c", {0}, TensorType_F32, 32);
    touch.pad();
    touch.zeros(64);
    GgufFile f = GgufFile::parse(own_bytes(touch.b), "touch");
    QCOMPARE(f.tensors().size(), size_t(3));
}

void GgufErrorsTest::badAlignment() {
    for (uint32_t bad : {0u, 24u, 3u}) {
        RawGguf r;
        r.header(0, 1);
        size_t at = r.kv_u32("general.alignment", bad);
        EXPECT_GGUF_ERROR(r.b, "general.alignment " + std::to_string(bad) + " is not a power of two", at);
    }
    RawGguf wide;
    wide.header(0, 1);
    wide.str("general.alignment");
    size_t at = wide.u32(GgufType_uint64);
    wide.u64(32);
    EXPECT_GGUF_ERROR(wide.b, "general.alignment must be a u32, not u64", at);

    // A custom alignment changes where the data starts and which offsets are aligned.
    RawGguf custom;
    custom.header(1, 1);
    custom.kv_u32("general.alignment", 64);
    at = custom.tensor("t", {4}, TensorType_F32, 32);
    custom.pad(64);
    custom.zeros(128);
    EXPECT_GGUF_ERROR(custom.b, "data offset 32 is not aligned to 64", at);
}

void GgufErrorsTest::fileErrors() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string missing = dir.filePath("missing.gguf").toStdString();
    try {
        GgufFile::open(missing);
        QFAIL("opening a missing file must throw");
    } catch (const Error & e) {
        QCOMPARE(e.code(), ErrorCode_io);
        QVERIFY(std::string(e.what()).find(missing) != std::string::npos);
    }
    try {
        GgufFile::open(dir.path().toStdString());
        QFAIL("opening a folder must throw");
    } catch (const Error & e) {
        QCOMPARE(e.code(), ErrorCode_io);
        QVERIFY(std::string(e.what()).find("not a regular file") != std::string::npos);
    }
    const std::string empty = dir.filePath("empty.gguf").toStdString();
    FILE * f = std::fopen(empty.c_str(), "wb");
    QVERIFY(f != nullptr);
    std::fclose(f);
    try {
        GgufFile::open(empty);
        QFAIL("an empty file must throw");
    } catch (const Error & e) {
        QCOMPARE(e.code(), ErrorCode_format);
        QVERIFY(std::string(e.what()).find("truncated") != std::string::npos);
        QVERIFY(std::string(e.what()).find(empty) != std::string::npos);
    }
}

QTEST_APPLESS_MAIN(GgufErrorsTest)
#include "test_gguf_errors.moc"
