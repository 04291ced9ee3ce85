// `hearth-cli inspect` run as a process on fixture and corrupt files; its JSON
// must agree with what GgufFile reads, and a bad file gives exactly one line
// on stderr and a non-zero exit status.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <fstream>

#include "common/fixtures.h"
#include "common/process_runner.h"
#include "hearth/gguf.h"
#include "hearth/gguf_writer.h"

using namespace hearth;

namespace {

using Run = hearth_test::ProcessRun;

Run inspect(const QStringList & args) {
    return hearth_test::run_process(QStringLiteral(HEARTH_CLI_PATH), QStringList{"inspect"} + args);
}

QJsonObject inspectJson(const std::string & path) {
    Run r = inspect({"--json", "--tensors", QString::fromStdString(path)});
    if (r.code != 0) throw std::runtime_error("inspect failed: " + r.err.toStdString());
    QJsonParseError e;
    QJsonDocument doc = QJsonDocument::fromJson(r.out, &e);
    if (e.error != QJsonParseError::NoError) throw std::runtime_error("bad JSON: " + e.errorString().toStdString());
    return doc.object();
}

void writeFile(const QString & path, const std::vector<uint8_t> & bytes) {
    std::ofstream out(path.toStdString(), std::ios::binary);
    out.write(reinterpret_cast<const char *>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

// A scalar or short array as inspect should print it.
bool sameValue(const GgufValue & v, const QJsonValue & j) {
    switch (v.type()) {
        case GgufType_string:
            return j.toString().toStdString() == std::string(v.as_string());
        case GgufType_bool:
            return j.isBool() && j.toBool() == v.as_bool();
        case GgufType_float32:
        case GgufType_float64:
            return j.isDouble() && j.toDouble() == v.as_float();
        case GgufType_array: {
            const GgufArray & a = v.as_array();
            QJsonArray items;
            if (a.items.size() > 8) {
                QJsonObject o = j.toObject();
                if (o["type"].toString() != gguf_type_name(a.elem_type)) return false;
                if (o["count"].toInteger() != qint64(a.items.size())) return false;
                items = o["head"].toArray();
                if (items.size() != 8) return false;
            } else {
                items = j.toArray();
                if (items.size() != qsizetype(a.items.size())) return false;
            }
            for (qsizetype i = 0; i < items.size(); ++i)
                if (!sameValue(a.items[size_t(i)], items[i])) return false;
            return true;
        }
        default:
            return j.isDouble() && j.toDouble() == v.as_float();
    }
}

}  // namespace

class InspectCliTest : public QObject {
    Q_OBJECT

private slots:
    void jsonAgreesWithTheReader_data();
    void jsonAgreesWithTheReader();
    void textSummary();
    void corruptFilesGiveOneLine();
};

void InspectCliTest::jsonAgreesWithTheReader_data() {
    QTest::addColumn<QString>("rel");
    QTest::addColumn<QString>("fileType");
    QTest::addColumn<QString>("dominant");
    QTest::newRow("stories260K") << "models/stories260K.gguf"
                                 << ""
                                 << "F32";
    QTest::newRow("qwen3 Q4_K_M") << "models/synthetic/qwen3-Q4_K_M.gguf"
                                  << "MOSTLY_Q4_K_M"
                                  << "Q4_K";
    QTest::newRow("llama Q8_0") << "models/synthetic/llama-Q8_0.gguf"
                                << "MOSTLY_Q8_0"
                                << "Q8_0";
    // The code-book types: real IQ2_S tensors come in llama-quantize's IQ2_M
    // file type; gpt-oss's 3-D MXFP4 experts sit beside Q8_0 matrices.
    QTest::newRow("llama IQ2_S") << "models/synthetic/llama-IQ2_S.gguf"
                                 << "MOSTLY_IQ2_M"
                                 << "IQ2_S";
    QTest::newRow("gpt-oss MXFP4") << "models/synthetic/gpt-oss-MXFP4_MOE.gguf"
                                   << "MOSTLY_MXFP4_MOE"
                                   << "Q8_0";
    QTest::newRow("qwen2 vocab") << "vocab/ggml-vocab-qwen2.gguf"
                                 << ""
                                 << "";
}

void InspectCliTest::jsonAgreesWithTheReader() {
    QFETCH(QString, rel);
    QFETCH(QString, fileType);
    QFETCH(QString, dominant);
    const std::string path = HEARTH_FIXTURE(rel.toStdString());
    GgufFile f = GgufFile::open(path);
    QJsonObject j = inspectJson(path);

    QCOMPARE(j["architecture"].toString().toStdString(), std::string(f.architecture()));
    QCOMPARE(j["gguf_version"].toInt(), 3);
    QCOMPARE(j["tensor_count"].toInteger(), qint64(f.tensors().size()));
    qint64 params = 0;
    for (const GgufTensor & t : f.tensors()) params += t.n_elements();
    QCOMPARE(j["parameters"].toInteger(), params);
    QCOMPARE(j["file_type"].toString(), fileType);  // null reads as ""
    QCOMPARE(j["dominant_tensor_type"].toString(), dominant);
    const std::string ctxKey = std::string(f.architecture()) + ".context_length";
    if (f.has(ctxKey))
        QCOMPARE(j["context_length"].toInteger(), qint64(f.get_uint(ctxKey, 0)));
    else
        QVERIFY(j["context_length"].isNull());

    QJsonObject meta = j["metadata"].toObject();
    QCOMPARE(meta.size(), qsizetype(f.metadata().size()));
    for (const GgufKv & kv : f.metadata()) {
        const QString key = QString::fromStdString(std::string(kv.key));
        QVERIFY2(meta.contains(key), qPrintable(key));
        QVERIFY2(sameValue(kv.value, meta[key]), qPrintable(key));
    }
    QJsonObject tokens = meta["tokenizer.ggml.tokens"].toObject();
    QCOMPARE(tokens["type"].toString(), QString("string"));
    QCOMPARE(tokens["count"].toInteger(), qint64(f.get_array("tokenizer.ggml.tokens")->items.size()));

    QJsonArray tensors = j["tensors"].toArray();
    QCOMPARE(tensors.size(), qsizetype(f.tensors().size()));
    for (qsizetype i = 0; i < tensors.size(); ++i) {
        const GgufTensor & t = f.tensors()[size_t(i)];
        QJsonObject o = tensors[i].toObject();
        QCOMPARE(o["name"].toString().toStdString(), std::string(t.name));
        QCOMPARE(o["type"].toString().toStdString(), std::string(tensor_type_info(t.type).name));
        QJsonArray shape = o["shape"].toArray();
        QCOMPARE(shape.size(), qsizetype(t.n_dims));
        for (uint32_t d = 0; d < t.n_dims; ++d) QCOMPARE(shape[d].toInteger(), t.ne[d]);
    }
}

void InspectCliTest::textSummary() {
    Run r = inspect({QString::fromStdString(HEARTH_FIXTURE("models/synthetic/qwen2-Q4_K_M.gguf")), "--tensors"});
    QCOMPARE(r.code, 0);
    const QString out = QString::fromUtf8(r.out);
    QVERIFY2(out.contains("architecture:    qwen2\n"), qPrintable(out));
    QVERIFY(out.contains("parameters:      1.71M (1706240)\n"));
    QVERIFY(out.contains("file type:       MOSTLY_Q4_K_M (15)\n"));
    QVERIFY(out.contains("context length:  4096\n"));
    QVERIFY(out.contains("tensors:         26\n"));
    QVERIFY(out.contains("GGUF version:    3\n"));
    QVERIFY(out.contains("qwen2.attention.head_count_kv: u32 = 2\n"));
    QVERIFY(out.contains("(512 string items)]"));  // the vocabulary is summarised
    QVERIFY(out.contains("blk.0.attn_q.bias"));
    QVERIFY(r.err.isEmpty());

    // The chat template is shown, as one (escaped) string.
    Run v = inspect({QString::fromStdString(HEARTH_FIXTURE("vocab/ggml-vocab-qwen2.gguf"))});
    QCOMPARE(v.code, 0);
    QVERIFY(QString::fromUtf8(v.out).contains("tokenizer.chat_template: string = \"{%- if tools %}\\n"));
}

void InspectCliTest::corruptFilesGiveOneLine() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    std::vector<uint8_t> stories = hearth_test::read_bytes(HEARTH_FIXTURE("models/stories260K.gguf"));

    auto expectOneLineError = [&](const QString & path, const char * mention) {
        Run r = inspect({"--json", path});
        QVERIFY2(r.code != 0 && r.code != -1, r.err.constData());
        QVERIFY(r.out.isEmpty());
        QVERIFY2(r.err.endsWith('\n') && r.err.count('\n') == 1, r.err.constData());
        QVERIFY2(r.err.contains(mention), r.err.constData());
    };

    std::vector<uint8_t> cut(stories.begin(), stories.begin() + 1000);
    writeFile(dir.filePath("cut.gguf"), cut);
    expectOneLineError(dir.filePath("cut.gguf"), "truncated");

    std::vector<uint8_t> bad = stories;
    bad[0] = 'X';
    writeFile(dir.filePath("magic.gguf"), bad);
    expectOneLineError(dir.filePath("magic.gguf"), "bad magic");

    // Error messages quote keys from the file; a key with newlines must not split the line.
    // Two keys that differ in their last byte; patching it makes them duplicates.
    GgufWriter w2;
    w2.add_u32("evil\nkey\r\n", 1);
    w2.add_u32("evil\nkey\r\r", 2);
    std::vector<uint8_t> dup = w2.to_bytes();
    auto second = std::search(dup.begin() + 30, dup.end(), std::begin("evil\nkey\r\r"), std::end("evil\nkey\r\r") - 1);
    QVERIFY(second != dup.end());
    second[9] = '\n';
    writeFile(dir.filePath("dup.gguf"), dup);
    expectOneLineError(dir.filePath("dup.gguf"), "duplicate metadata key");

    expectOneLineError(dir.filePath("missing.gguf"), "cannot open");

    Run usage = inspect({});
    QCOMPARE(usage.code, 2);
}

QTEST_APPLESS_MAIN(InspectCliTest)
#include "test_inspect_cli.moc"
