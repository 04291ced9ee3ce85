// Quant names and shard suffixes in real-world GGUF file names.
#include <QtTest>

#include "core/quant_name.h"

using namespace Hearth;

class TestQuantName : public QObject {
    Q_OBJECT
private slots:
    void quantFromName_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("quant");
        QTest::newRow("k_m") << "Qwen3-8B-Q4_K_M.gguf"
                             << "Q4_K_M";
        QTest::newRow("lower") << "llama-2-7b.q4_k_m.gguf"
                               << "Q4_K_M";
        QTest::newRow("iq4_xs") << "Meta-Llama-3.1-8B-Instruct-IQ4_XS.gguf"
                                << "IQ4_XS";
        QTest::newRow("iq2_xxs") << "model-IQ2_XXS.gguf"
                                 << "IQ2_XXS";
        QTest::newRow("q8_0") << "phi-3-mini.Q8_0.gguf"
                              << "Q8_0";
        QTest::newRow("f16") << "gemma-2b-it-f16.gguf"
                             << "F16";
        QTest::newRow("bf16") << "Mistral-7B-BF16.gguf"
                              << "BF16";
        QTest::newRow("fp16") << "model-fp16.gguf"
                              << "F16";
        QTest::newRow("q5_k_s") << "dir/model-Q5_K_S.gguf"
                                << "Q5_K_S";
        QTest::newRow("unsloth xl") << "Qwen3-30B-A3B-UD-Q4_K_XL.gguf"
                                    << "Q4_K_XL";
        QTest::newRow("sharded") << "Qwen3-235B-Q4_K_M-00001-of-00003.gguf"
                                 << "Q4_K_M";
        QTest::newRow("q3_k_l") << "x_q3_k_l.gguf"
                                << "Q3_K_L";
        QTest::newRow("last wins") << "Q8_0-distill-Q4_K_M.gguf"
                                   << "Q4_K_M";
        QTest::newRow("none") << "mmproj-model.gguf"
                              << "";
        QTest::newRow("not inside words") << "SQ4_0X.gguf"
                                          << "";
        QTest::newRow("iq not q") << "a-IQ3_M.gguf"
                                  << "IQ3_M";
    }
    void quantFromName() {
        QFETCH(QString, name);
        QFETCH(QString, quant);
        QCOMPARE(quantFromFileName(name), quant);
    }

    void fileTypes() {
        QCOMPARE(quantFromFileType(15), QStringLiteral("Q4_K_M"));
        QCOMPARE(quantFromFileType(7), QStringLiteral("Q8_0"));
        QCOMPARE(quantFromFileType(30), QStringLiteral("IQ4_XS"));
        QCOMPARE(quantFromFileType(32), QStringLiteral("BF16"));
        QCOMPARE(quantFromFileType(1), QStringLiteral("F16"));
        QCOMPARE(quantFromFileType(4), QString());  // retired id
        QCOMPARE(quantFromFileType(999), QString());
    }

    void shards() {
        ShardName s = parseShardName(QStringLiteral("sub/Big-Q4_K_M-00002-of-00003.gguf"));
        QCOMPARE(s.base, QStringLiteral("sub/Big-Q4_K_M"));
        QCOMPARE(s.index, 2);
        QCOMPARE(s.count, 3);
        QVERIFY(s.isShard());
        QCOMPARE(shardFileName(s.base, 3, 3), QStringLiteral("sub/Big-Q4_K_M-00003-of-00003.gguf"));

        ShardName one = parseShardName(QStringLiteral("model-Q8_0.gguf"));
        QCOMPARE(one.base, QStringLiteral("model-Q8_0"));
        QCOMPARE(one.count, 1);
        QVERIFY(!one.isShard());

        // Out-of-range indices are not a split.
        QVERIFY(!parseShardName(QStringLiteral("m-00004-of-00003.gguf")).isShard());
        QVERIFY(!parseShardName(QStringLiteral("m-00000-of-00003.gguf")).isShard());
    }

    void projector() {
        QVERIFY(isProjectorFile(QStringLiteral("mmproj-Qwen2-VL-f16.gguf")));
        QVERIFY(!isProjectorFile(QStringLiteral("Qwen2-VL-Q4_K_M.gguf")));
    }
};

QTEST_APPLESS_MAIN(TestQuantName)
#include "test_quant_name.moc"
