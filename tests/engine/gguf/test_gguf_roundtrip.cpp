// GgufWriter -> GgufFile round trips: every metadata type with its edge values,
// nested arrays, v2 and v3, custom alignments, tensor views and zero copy.
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <cstring>
#include <limits>

#include "common/fixtures.h"
#include "hearth/error.h"
#include "hearth/gguf.h"
#include "hearth/gguf_writer.h"

using namespace hearth;

namespace {

GgufFile parse(const GgufWriter & w, const char * label = "roundtrip") {
    return GgufFile::parse(own_bytes(w.to_bytes()), label);
}

GgufValue str(std::string_view s) {
    return GgufValue::make_string(s);
}

GgufValue array_of(GgufType elem, std::vector<GgufValue> items) {
    GgufArray a;
    a.elem_type = elem;
    a.items = std::move(items);
    return GgufValue::make_array(std::move(a));
}

std::vector<uint8_t> pattern(size_t n, uint32_t seed) {
    std::vector<uint8_t> v(n);
    for (size_t i = 0; i < n; ++i) {
        seed = seed * 1664525u + 1013904223u;
        v[i] = static_cast<uint8_t>(seed >> 24);
    }
    return v;
}

bool throws_invalid_argument(const std::function<void()> & fn) {
    try {
        fn();
    } catch (const Error & e) {
        return e.code() == ErrorCode_invalid_argument;
    }
    return false;
}

}  // namespace

class GgufRoundtripTest : public QObject {
    Q_OBJECT

private slots:
    void scalarsKeepTypeAndValue();
    void stringsKeepEveryByte();
    void arraysOfEveryType();
    void nestedArrays();
    void versions_data();
    void versions();
    void alignment_data();
    void alignment();
    void tensorViews();
    void zeroCopyFromFile();
    void writerRejectsBadInput();
    void copiesMetadataFromAnotherFile();
};

void GgufRoundtripTest::scalarsKeepTypeAndValue() {
    GgufWriter w;
    w.add_u8("u8", 255);
    w.add_i8("i8", -128);
    w.add_u16("u16", 65535);
    w.add_i16("i16", -32768);
    w.add_u32("u32", 4294967295u);
    w.add_i32("i32", std::numeric_limits<int32_t>::min());
    w.add_u64("u64", std::numeric_limits<uint64_t>::max());
    w.add_i64("i64", std::numeric_limits<int64_t>::min());
    w.add_f32("f32", 1.0e-6f);
    w.add_f64("f64", 3.141592653589793);
    w.add_f32("f32.inf", std::numeric_limits<float>::infinity());
    w.add_f32("f32.negzero", -0.0f);
    w.add_bool("yes", true);
    w.add_bool("no", false);
    GgufFile f = parse(w);

    QCOMPARE(f.metadata().size(), size_t(14));
    QCOMPARE(f.find("u8")->type(), GgufType_uint8);
    QCOMPARE(f.get_uint("u8", 0), uint64_t(255));
    QCOMPARE(f.find("i8")->type(), GgufType_int8);
    QCOMPARE(f.get_int("i8", 0), int64_t(-128));
    QCOMPARE(f.find("u16")->type(), GgufType_uint16);
    QCOMPARE(f.get_uint("u16", 0), uint64_t(65535));
    QCOMPARE(f.find("i16")->type(), GgufType_int16);
    QCOMPARE(f.get_int("i16", 0), int64_t(-32768));
    QCOMPARE(f.find("u32")->type(), GgufType_uint32);
    QCOMPARE(f.get_uint("u32", 0), uint64_t(4294967295u));
    QCOMPARE(f.find("i32")->type(), GgufType_int32);
    QCOMPARE(f.get_int("i32", 0), int64_t(std::numeric_limits<int32_t>::min()));
    QCOMPARE(f.find("u64")->type(), GgufType_uint64);
    QCOMPARE(f.get_uint("u64", 0), std::numeric_limits<uint64_t>::max());
    QCOMPARE(f.find("i64")->type(), GgufType_int64);
    QCOMPARE(f.get_int("i64", 0), std::numeric_limits<int64_t>::min());
    QCOMPARE(f.find("f32")->type(), GgufType_float32);
    QCOMPARE(f.get_float("f32", 0), double(1.0e-6f));
    QCOMPARE(f.find("f64")->type(), GgufType_float64);
    QCOMPARE(f.get_float("f64", 0), 3.141592653589793);
    QVERIFY(std::isinf(f.get_float("f32.inf", 0)));
    QVERIFY(std::signbit(f.get_float("f32.negzero", 1)));
    QCOMPARE(f.find("yes")->type(), GgufType_bool);
    QCOMPARE(f.get_bool("yes", false), true);
    QCOMPARE(f.get_bool("no", true), false);

    // Keys keep their insertion order, and wrong-type access names the key.
    QCOMPARE(f.metadata()[0].key, std::string_view("u8"));
    QCOMPARE(f.metadata()[13].key, std::string_view("no"));
    try {
        f.get_string("u32");
        QFAIL("reading a u32 as a string must throw");
    } catch (const Error & e) {
        QVERIFY2(std::string(e.what()).find("u32") != std::string::npos, e.what());
    }
    QCOMPARE(f.get_uint("absent", 7), uint64_t(7));
}

void GgufRoundtripTest::stringsKeepEveryByte() {
    const std::string with_nul("a\0b", 3);
    const std::string utf8 = "h\xC3\xA9llo \xE4\xB8\x96\xE7\x95\x8C \xF0\x9F\x94\xA5\n\"q\"";
    GgufWriter w;
    w.add_string("empty", "");
    w.add_string("nul", with_nul);
    w.add_string("utf8", utf8);
    w.add_string("long", std::string(100000, 'x'));
    GgufFile f = parse(w);
    QCOMPARE(f.get_string("empty", "fallback"), std::string_view(""));
    QCOMPARE(std::string(f.get_string("nul")), with_nul);
    QCOMPARE(std::string(f.get_string("utf8")), utf8);
    QCOMPARE(f.get_string("long").size(), size_t(100000));
}

void GgufRoundtripTest::arraysOfEveryType() {
    GgufWriter w;
    w.add("a.u8", array_of(GgufType_uint8,
                           {GgufValue::make_uint(GgufType_uint8, 0), GgufValue::make_uint(GgufType_uint8, 200)}));
    w.add("a.i8", array_of(GgufType_int8, {GgufValue::make_int(GgufType_int8, -5)}));
    w.add("a.u16", array_of(GgufType_uint16, {GgufValue::make_uint(GgufType_uint16, 60000)}));
    w.add("a.i16", array_of(GgufType_int16, {GgufValue::make_int(GgufType_int16, -30000)}));
    w.add("a.u32", array_of(GgufType_uint32, {GgufValue::make_uint(GgufType_uint32, 4000000000u)}));
    w.add("a.u64", array_of(GgufType_uint64, {GgufValue::make_uint(GgufType_uint64, uint64_t(1) << 63)}));
    w.add("a.i64", array_of(GgufType_int64, {GgufValue::make_int(GgufType_int64, -(int64_t(1) << 62))}));
    w.add("a.f64", array_of(GgufType_float64, {GgufValue::make_float(GgufType_float64, 0.1)}));
    w.add("a.bool", array_of(GgufType_bool, {GgufValue::make_bool(true), GgufValue::make_bool(false)}));
    w.add("a.empty", array_of(GgufType_string, {}));
    w.add_string_array("a.str", {"<s>", "", "\xE2\x96\x81the"});
    w.add_f32_array("a.f32", {0.5f, -1.25f, 1e30f});
    w.add_i32_array("a.i32", {1, -2, 2147483647});
    GgufFile f = parse(w);

    auto items = [&](const char * key, GgufType elem) {
        const GgufArray * a = f.get_array(key);
        if (a == nullptr || a->elem_type != elem) throw std::runtime_error(std::string("bad array ") + key);
        for (const GgufValue & v : a->items)
            if (v.type() != elem) throw std::runtime_error(std::string("bad item type in ") + key);
        return a->items;
    };
    QCOMPARE(items("a.u8", GgufType_uint8)[1].as_uint(), uint64_t(200));
    QCOMPARE(items("a.i8", GgufType_int8)[0].as_int(), int64_t(-5));
    QCOMPARE(items("a.u16", GgufType_uint16)[0].as_uint(), uint64_t(60000));
    QCOMPARE(items("a.i16", GgufType_int16)[0].as_int(), int64_t(-30000));
    QCOMPARE(items("a.u32", GgufType_uint32)[0].as_uint(), uint64_t(4000000000u));
    QCOMPARE(items("a.u64", GgufType_uint64)[0].as_uint(), uint64_t(1) << 63);
    QCOMPARE(items("a.i64", GgufType_int64)[0].as_int(), -(int64_t(1) << 62));
    QCOMPARE(items("a.f64", GgufType_float64)[0].as_float(), 0.1);
    QCOMPARE(items("a.bool", GgufType_bool)[0].as_bool(), true);
    QCOMPARE(items("a.bool", GgufType_bool)[1].as_bool(), false);
    QCOMPARE(items("a.empty", GgufType_string).size(), size_t(0));
    auto s = items("a.str", GgufType_string);
    QCOMPARE(s.size(), size_t(3));
    QCOMPARE(s[0].as_string(), std::string_view("<s>"));
    QCOMPARE(s[1].as_string(), std::string_view(""));
    QCOMPARE(s[2].as_string(), std::string_view("\xE2\x96\x81the"));
    auto fl = items("a.f32", GgufType_float32);
    QCOMPARE(fl[1].as_float(), -1.25);
    QCOMPARE(fl[2].as_float(), double(1e30f));
    QCOMPARE(items("a.i32", GgufType_int32)[2].as_int(), int64_t(2147483647));
}

void GgufRoundtripTest::nestedArrays() {
    // [[["a","b"],[]],[["c"]]]: arrays of arrays of arrays of strings.
    GgufValue inner1 = array_of(GgufType_string, {str("a"), str("b")});
    GgufValue inner2 = array_of(GgufType_string, {});
    GgufValue inner3 = array_of(GgufType_string, {str("c")});
    GgufValue mid1 = array_of(GgufType_array, {inner1, inner2});
    GgufValue mid2 = array_of(GgufType_array, {inner3});
    GgufWriter w;
    w.add("nested", array_of(GgufType_array, {mid1, mid2}));
    // The deepest nesting the reader accepts (8 levels) survives too.
    GgufValue deep = array_of(GgufType_uint32, {GgufValue::make_uint(GgufType_uint32, 42)});
    for (int i = 1; i < 8; ++i) deep = array_of(GgufType_array, {deep});
    w.add("deep", deep);
    GgufFile f = parse(w);

    const GgufArray * top = f.get_array("nested");
    QVERIFY(top != nullptr);
    QCOMPARE(top->elem_type, GgufType_array);
    QCOMPARE(top->items.size(), size_t(2));
    const GgufArray & m1 = top->items[0].as_array();
    QCOMPARE(m1.items.size(), size_t(2));
    QCOMPARE(m1.items[0].as_array().items[1].as_string(), std::string_view("b"));
    QCOMPARE(m1.items[1].as_array().items.size(), size_t(0));
    QCOMPARE(m1.items[1].as_array().elem_type, GgufType_string);
    QCOMPARE(top->items[1].as_array().items[0].as_array().items[0].as_string(), std::string_view("c"));
    QCOMPARE(f.find("nested")->to_string(), std::string("[[[\"a\", \"b\"], []], [[\"c\"]]]"));

    const GgufValue * v = f.find("deep");
    for (int i = 1; i < 8; ++i) v = &v->as_array().items.at(0);
    QCOMPARE(v->as_array().items.at(0).as_uint(), uint64_t(42));

    // A ninth level is refused by the writer, as the reader would refuse it.
    GgufValue too_deep = array_of(GgufType_array, {deep});
    GgufWriter w2;
    QVERIFY(throws_invalid_argument([&] { w2.add("too.deep", too_deep); }));
}

void GgufRoundtripTest::versions_data() {
    QTest::addColumn<uint32_t>("version");
    QTest::newRow("v2") << uint32_t(2);
    QTest::newRow("v3") << uint32_t(3);
}

void GgufRoundtripTest::versions() {
    QFETCH(uint32_t, version);
    GgufWriter w(version);
    w.add_string("general.architecture", "llama");
    std::vector<float> weights = {1, 2, 3, 4, 5, 6};
    w.add_tensor_f32("w", {3, 2}, weights);
    std::vector<uint8_t> bytes = w.to_bytes();
    uint32_t on_disk = 0;
    std::memcpy(&on_disk, bytes.data() + 4, 4);
    QCOMPARE(on_disk, version);
    GgufFile f = GgufFile::parse(own_bytes(bytes), "v");
    QCOMPARE(f.version(), version);
    QCOMPARE(f.architecture(), std::string_view("llama"));
    QCOMPARE(f.tensors().size(), size_t(1));
    QCOMPARE(std::memcmp(f.tensors()[0].data, weights.data(), 24), 0);
}

void GgufRoundtripTest::alignment_data() {
    QTest::addColumn<uint32_t>("align");
    QTest::addColumn<bool>("explicitKey");
    QTest::newRow("default 32") << uint32_t(32) << false;
    QTest::newRow("1") << uint32_t(1) << true;
    QTest::newRow("8") << uint32_t(8) << true;
    QTest::newRow("64") << uint32_t(64) << true;
    QTest::newRow("4096") << uint32_t(4096) << true;
}

void GgufRoundtripTest::alignment() {
    QFETCH(uint32_t, align);
    QFETCH(bool, explicitKey);
    GgufWriter w;
    w.add_string("general.name", "odd sizes");  // makes the header length not a multiple of anything
    if (explicitKey) w.set_alignment(align);
    // Tensors whose byte sizes are not multiples of the alignment, so padding is exercised.
    std::vector<uint8_t> a = pattern(6, 1), b = pattern(34 * 3, 2), c = pattern(2 * 7 * 2, 3);
    w.add_tensor("a", TensorType_I8, {6}, a);
    w.add_tensor("b", TensorType_Q8_0, {32, 3}, b);
    w.add_tensor("c", TensorType_F16, {7, 1, 2}, c);
    GgufFile f = parse(w);
    QCOMPARE(f.alignment(), size_t(align));
    QCOMPARE(f.has("general.alignment"), explicitKey);
    QCOMPARE(f.data_offset() % align, size_t(0));
    const std::vector<uint8_t> * expected[] = {&a, &b, &c};
    for (size_t i = 0; i < 3; ++i) {
        const GgufTensor & t = f.tensors()[i];
        QCOMPARE(t.offset % align, uint64_t(0));
        QCOMPARE(size_t(t.data - f.base()), f.data_offset() + t.offset);
        QCOMPARE(t.n_bytes, expected[i]->size());
        QCOMPARE(std::memcmp(t.data, expected[i]->data(), t.n_bytes), 0);
    }
}

void GgufRoundtripTest::tensorViews() {
    GgufWriter w;
    std::vector<uint8_t> q8 = pattern(34 * 2 * 3, 7);  // Q8_0 [64, 3]: 2 blocks of 34 bytes per row
    std::vector<uint8_t> q4k = pattern(144 * 2, 8);    // Q4_K [256, 2]
    std::vector<uint8_t> f16 = pattern(2 * 2 * 3 * 4 * 5, 9);
    std::vector<float> f32 = {0.f, 1.f, -2.f};
    w.add_tensor("blk.0.attn_q.weight", TensorType_Q8_0, {64, 3}, q8);
    w.add_tensor("q4k", TensorType_Q4_K, {256, 2}, q4k);
    w.add_tensor("four.d", TensorType_F16, {2, 3, 4, 5}, f16);
    w.add_tensor_f32("norm", {3}, f32);
    w.add_tensor("empty", TensorType_F32, {0, 4}, nullptr, 0);
    GgufFile f = parse(w);
    QCOMPARE(f.tensors().size(), size_t(5));

    const GgufTensor * t = f.find_tensor("blk.0.attn_q.weight");
    QVERIFY(t != nullptr);
    QCOMPARE(t->type, TensorType_Q8_0);
    QCOMPARE(t->n_dims, uint32_t(2));
    QCOMPARE(t->ne[0], int64_t(64));
    QCOMPARE(t->ne[1], int64_t(3));
    QCOMPARE(t->ne[2], int64_t(1));
    QCOMPARE(t->n_elements(), int64_t(192));
    QCOMPARE(t->n_rows(), int64_t(3));
    QCOMPARE(t->n_bytes, q8.size());
    QCOMPARE(std::memcmp(t->data, q8.data(), q8.size()), 0);
    QCOMPARE(t->shape_string(), std::string("[64, 3]"));

    t = f.find_tensor("q4k");
    QCOMPARE(t->n_bytes, size_t(288));
    QCOMPARE(std::memcmp(t->data, q4k.data(), q4k.size()), 0);

    t = f.find_tensor("four.d");
    QCOMPARE(t->n_dims, uint32_t(4));
    QCOMPARE(t->n_elements(), int64_t(120));
    QCOMPARE(t->shape_string(), std::string("[2, 3, 4, 5]"));
    QCOMPARE(std::memcmp(t->data, f16.data(), f16.size()), 0);

    t = f.find_tensor("norm");
    float got[3];
    std::memcpy(got, t->data, sizeof got);
    QCOMPARE(got[2], -2.f);

    t = f.find_tensor("empty");
    QCOMPARE(t->n_elements(), int64_t(0));
    QCOMPARE(t->n_bytes, size_t(0));
    QVERIFY(f.find_tensor("absent") == nullptr);
}

void GgufRoundtripTest::zeroCopyFromFile() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath("zero.gguf").toStdString();
    GgufWriter w;
    w.set_alignment(64);
    w.add_string("general.architecture", "qwen3");
    std::vector<uint8_t> data = pattern(4096, 11);
    w.add_tensor("t", TensorType_I8, {4096}, data);
    w.write_file(path);
    QCOMPARE(hearth_test::read_bytes(path), w.to_bytes());

    GgufFile f = GgufFile::open(path);
    QCOMPARE(f.path(), path);
    QCOMPARE(f.file_size(), w.to_bytes().size());
    const GgufTensor & t = f.tensors()[0];
    const uint8_t * lo = f.base();
    const uint8_t * hi = f.base() + f.file_size();
    // Views into the mapping, not copies: tensor data and strings both.
    QVERIFY(t.data >= lo && t.data + t.n_bytes <= hi);
    QCOMPARE(t.data, f.base() + f.data_offset() + t.offset);
    QCOMPARE(reinterpret_cast<uintptr_t>(t.data) % 64, uintptr_t(0));  // the mapping is page aligned
    std::string_view arch = f.architecture();
    QVERIFY(reinterpret_cast<const uint8_t *>(arch.data()) >= lo &&
            reinterpret_cast<const uint8_t *>(arch.data()) < hi);
    QCOMPARE(std::memcmp(t.data, data.data(), data.size()), 0);

    try {
        w.write_file(dir.filePath("no/such/dir/x.gguf").toStdString());
        QFAIL("writing into a missing folder must throw");
    } catch (const Error & e) {
        QCOMPARE(e.code(), ErrorCode_io);
    }
}

void GgufRoundtripTest::writerRejectsBadInput() {
    GgufWriter w;
    w.add_u32("k", 1);
    QVERIFY(throws_invalid_argument([&] { w.add_u32("k", 2); }));
    QVERIFY(throws_invalid_argument([&] { w.add_string("", "x"); }));
    QVERIFY(throws_invalid_argument([&] { w.add("big", GgufValue::make_uint(GgufType_uint8, 256)); }));
    QVERIFY(throws_invalid_argument([&] { w.add("small", GgufValue::make_int(GgufType_int16, -40000)); }));
    QVERIFY(throws_invalid_argument([&] { w.add("mixed", array_of(GgufType_uint32, {str("x")})); }));
    QVERIFY(throws_invalid_argument([&] { w.set_alignment(24); }));
    QVERIFY(throws_invalid_argument([&] { w.add_u64("general.alignment", 64); }));
    QVERIFY(throws_invalid_argument([&] { w.set_version(1); }));
    QVERIFY(throws_invalid_argument([&] { GgufWriter bad(4); }));
    std::vector<uint8_t> q4 = pattern(18, 1);
    QVERIFY(throws_invalid_argument([&] { w.add_tensor("t", TensorType_Q4_0, {33}, q4); }));
    QVERIFY(throws_invalid_argument([&] { w.add_tensor("t", TensorType_Q4_0, {32}, pattern(17, 1)); }));
    QVERIFY(throws_invalid_argument([&] { w.add_tensor("t", TensorType_Q4_0, {32, 1, 1, 1, 1}, q4); }));
    QVERIFY(throws_invalid_argument([&] { w.add_tensor("t", static_cast<TensorType>(4), {32}, q4); }));
    w.add_tensor("t", TensorType_Q4_0, {32}, q4);
    QVERIFY(throws_invalid_argument([&] { w.add_tensor("t", TensorType_Q4_0, {32}, q4); }));
    // Nothing rejected was half-added.
    QCOMPARE(w.n_kv(), size_t(1));
    QCOMPARE(w.n_tensors(), size_t(1));
    QCOMPARE(parse(w).metadata().size(), size_t(1));
}

void GgufRoundtripTest::copiesMetadataFromAnotherFile() {
    // Tools re-pack models: values read from one file (views into it) write out unchanged.
    GgufWriter a;
    a.add_string_array("tokenizer.ggml.tokens", {"a", "b", "c"});
    a.add("nested", array_of(GgufType_array, {array_of(GgufType_int8, {GgufValue::make_int(GgufType_int8, -1)})}));
    a.add_f64("x", 2.5);
    a.set_alignment(16);
    GgufFile fa = parse(a);
    GgufWriter b;
    for (const GgufKv & kv : fa.metadata()) b.add(kv.key, kv.value);
    QCOMPARE(b.alignment(), uint32_t(16));
    QCOMPARE(b.to_bytes(), a.to_bytes());
}

QTEST_APPLESS_MAIN(GgufRoundtripTest)
#include "test_gguf_roundtrip.moc"
