// The local library over the real fixture models: metadata, shard grouping,
// unreadable files, import and delete.
#include <QtTest>

#include "common/fixtures.h"
#include "core/model_library.h"
#include "model_edit.h"

using namespace Hearth;

namespace {
const LocalModel * findModel(const QList<LocalModel> & models, const QString & name) {
    for (const LocalModel & m : models)
        if (m.name == name) return &m;
    return nullptr;
}
}  // namespace

class TestModelLibrary : public QObject {
    Q_OBJECT
private:
    QString m_models;

private slots:
    void initTestCase() { m_models = QString::fromStdString(HEARTH_FIXTURE("models")); }

    void scanFixtures() {
        const QList<LocalModel> models = ModelLibrary({m_models}).scan();
        QVERIFY(models.size() >= 10);

        const LocalModel * stories = findModel(models, QStringLiteral("stories260K"));
        QVERIFY(stories);
        QVERIFY2(stories->error.isEmpty(), qPrintable(stories->error));
        QCOMPARE(stories->architecture, QStringLiteral("llama"));
        QVERIFY2(stories->hasFootprint, qPrintable(stories->footprintError));
        const hearth::ModelHparams & hp = stories->footprint.hp;
        QCOMPARE(hp.n_layer, 5);
        QCOMPARE(hp.n_embd, 64);
        QCOMPARE(hp.n_head_kv, 4);
        QCOMPARE(hp.head_dim, 8);  // 64 / 8 heads
        QCOMPARE(hp.n_vocab, 512);
        QVERIFY2(stories->parameterCount > 250'000 && stories->parameterCount < 300'000,
                 qPrintable(QString::number(stories->parameterCount)));
        QCOMPARE(stories->sizeBytes, QFileInfo(m_models + QStringLiteral("/stories260K.gguf")).size());
        // Every layer's tensors are counted, and the weights are less than the file.
        QCOMPARE(stories->footprint.layer_bytes.size(), size_t(5));
        uint64_t weights = stories->footprint.embd_bytes;
        for (const uint64_t b : stories->footprint.layer_bytes) {
            QVERIFY(b > 0);
            weights += b;
        }
        QVERIFY(weights > 0 && weights < uint64_t(stories->sizeBytes));

        const LocalModel * q4ks = findModel(models, QStringLiteral("llama-Q4_K_S"));
        QVERIFY(q4ks);
        QCOMPARE(q4ks->quant, QStringLiteral("Q4_K_S"));
        QVERIFY(q4ks->hasFootprint);
        QCOMPARE(q4ks->footprint.hp.n_layer, 2);
        QCOMPARE(q4ks->footprint.hp.n_embd, 256);
        QCOMPARE(q4ks->footprint.hp.n_head_kv, 2);
        QCOMPARE(q4ks->footprint.hp.head_dim, 64);

        const LocalModel * q8 = findModel(models, QStringLiteral("llama-Q8_0"));
        QVERIFY(q8);
        QCOMPARE(q8->quant, QStringLiteral("Q8_0"));
        // Same architecture and shape, so the same parameter count as the F16 file.
        const LocalModel * f16 = findModel(models, QStringLiteral("llama-F16"));
        QVERIFY(f16);
        QCOMPARE(f16->quant, QStringLiteral("F16"));
        QCOMPARE(q8->parameterCount, f16->parameterCount);
        QVERIFY(q8->sizeBytes < f16->sizeBytes);

        // qwen3's head_dim (128) is not n_embd / n_head (64).
        for (const LocalModel & m : models)
            if (m.architecture == QLatin1String("qwen3")) QCOMPARE(m.footprint.hp.head_dim, 128);
    }

    void shardsAndBrokenFiles() {
        QTemporaryDir dir;
        const QString q8 = m_models + QStringLiteral("/synthetic/llama-Q8_0.gguf");
        QVERIFY(QFile::link(q8, dir.filePath(QStringLiteral("Split-Q8_0-00001-of-00002.gguf"))));
        QVERIFY(QFile::link(q8, dir.filePath(QStringLiteral("Split-Q8_0-00002-of-00002.gguf"))));
        QVERIFY(QFile::link(q8, dir.filePath(QStringLiteral("Partial-00001-of-00003.gguf"))));
        QFile junk(dir.filePath(QStringLiteral("junk.gguf")));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write("GGUF\x03\0\0\0garbage that is not a header");
        junk.close();
        QFile part(dir.filePath(QStringLiteral("downloading.gguf.part")));
        QVERIFY(part.open(QIODevice::WriteOnly));
        part.close();

        const QList<LocalModel> models = ModelLibrary({dir.path()}).scan();
        QCOMPARE(models.size(), 3);
        const LocalModel * split = findModel(models, QStringLiteral("Split-Q8_0"));
        QVERIFY(split);
        QVERIFY2(split->error.isEmpty(), qPrintable(split->error));
        QCOMPARE(split->files.size(), 2);
        QVERIFY(split->path.endsWith(QStringLiteral("-00001-of-00002.gguf")));
        const LocalModel single = ModelLibrary::inspect({q8});
        QCOMPARE(split->parameterCount, 2 * single.parameterCount);  // tensors of both shards count
        QCOMPARE(split->sizeBytes, 2 * single.sizeBytes);

        const LocalModel * partial = findModel(models, QStringLiteral("Partial"));
        QVERIFY(partial);
        QVERIFY(!partial->complete);
        QVERIFY(partial->error.contains(QStringLiteral("1 of 3")));

        const LocalModel * broken = findModel(models, QStringLiteral("junk"));
        QVERIFY(broken);
        QVERIFY(!broken->error.isEmpty());
    }

    // A file the engine cannot run says why at scan time, before any load.
    void unsupportedModelsSayWhy() {
        QTemporaryDir dir;
        const std::string q8 = (m_models + QStringLiteral("/synthetic/llama-Q8_0.gguf")).toStdString();
        runtime_test::ModelEdit arch;
        arch.architecture = "mamba";
        runtime_test::ModelEdit type;
        type.retype_tensor = "blk.0.ffn_down.weight";
        type.retype = hearth::TensorType_TQ1_0;
        for (const auto & [name, edit] : {std::pair{"mamba.gguf", arch}, std::pair{"ternary.gguf", type}}) {
            const std::vector<uint8_t> bytes = runtime_test::edit_model(q8, edit);
            QFile f(dir.filePath(QString::fromLatin1(name)));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(reinterpret_cast<const char *>(bytes.data()), qint64(bytes.size()));
        }
        QVERIFY(QFile::link(QString::fromStdString(q8), dir.filePath(QStringLiteral("fine.gguf"))));
        const QList<LocalModel> models = ModelLibrary({dir.path()}).scan();
        QCOMPARE(models.size(), 3);
        const LocalModel * mamba = findModel(models, QStringLiteral("mamba"));
        QVERIFY(mamba);
        QVERIFY2(mamba->error.startsWith(
                     QStringLiteral("Hearth cannot run this model yet: Unsupported architecture 'mamba'")),
                 qPrintable(mamba->error));
        QVERIFY2(mamba->error.contains(QStringLiteral("qwen3moe")), qPrintable(mamba->error));  // what it does run
        QVERIFY(!mamba->error.contains(dir.path()));
        const LocalModel * ternary = findModel(models, QStringLiteral("ternary"));
        QVERIFY(ternary);
        QVERIFY2(ternary->error.contains(QStringLiteral("TQ1_0")), qPrintable(ternary->error));
        const LocalModel * fine = findModel(models, QStringLiteral("fine"));
        QVERIFY(fine);
        QVERIFY2(fine->error.isEmpty(), qPrintable(fine->error));
    }

    void severalFolders() {
        QTemporaryDir a, b;
        QVERIFY(QFile::link(m_models + QStringLiteral("/stories260K.gguf"), a.filePath(QStringLiteral("one.gguf"))));
        QVERIFY(QFile::link(m_models + QStringLiteral("/stories260K.gguf"), b.filePath(QStringLiteral("two.gguf"))));
        const QList<LocalModel> models = ModelLibrary({a.path(), b.path()}).scan();
        QCOMPARE(models.size(), 2);
        QCOMPARE(models[0].name, QStringLiteral("one"));
        QCOMPARE(models[1].name, QStringLiteral("two"));
    }

    void importAndRemove() {
        QTemporaryDir lib;
        ModelLibrary library({lib.path()});
        const QString src = m_models + QStringLiteral("/synthetic/llama-Q4_0.gguf");
        QString error, path;
        QVERIFY2(library.importModel(src, ImportMode::Link, &error, &path), qPrintable(error));
        QVERIFY(QFileInfo(path).isSymLink());
        QVERIFY(!library.importModel(src, ImportMode::Copy, &error));  // already there
        QVERIFY(error.contains(QStringLiteral("already exists")));

        QList<LocalModel> models = library.scan();
        QCOMPARE(models.size(), 1);
        QCOMPARE(models[0].quant, QStringLiteral("Q4_0"));
        QVERIFY(ModelLibrary::removeModel(models[0], &error));
        QVERIFY(QFileInfo::exists(src));  // the link went, not its target
        QVERIFY(library.scan().isEmpty());

        QVERIFY2(library.importModel(src, ImportMode::Copy, &error, &path), qPrintable(error));
        QVERIFY(!QFileInfo(path).isSymLink());
        QCOMPARE(QFileInfo(path).size(), QFileInfo(src).size());

        QTemporaryDir other;
        QFile bad(other.filePath(QStringLiteral("bad.gguf")));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("not a gguf file at all");
        bad.close();
        QVERIFY(!library.importModel(bad.fileName(), ImportMode::Copy, &error));
        QVERIFY(error.contains(QStringLiteral("not a usable GGUF")));
    }
};

QTEST_APPLESS_MAIN(TestModelLibrary)
#include "test_model_library.moc"
