// hearth-cli make-synthetic through a real process: a small llama model with
// the llama-spm fixture vocabulary in each benchmark type. The file must carry
// the requested shape, type and tokenizer, and the engine's logits on it must
// match the naive float64 reference forward pass (tests/engine/runtime), which makes
// the file a valid model rather than just a valid GGUF.
#include <QTemporaryDir>
#include <QTest>
#include <cmath>
#include <cstring>

#include "common/fixtures.h"
#include "common/process_runner.h"
#include "golden.h"
#include "hearth/evaluator.h"
#include "hearth/gguf.h"
#include "hearth/model.h"
#include "reference_forward.h"

namespace {

using Run = hearth_test::ProcessRun;

Run cli(const QStringList & args) {
    return hearth_test::run_process(QStringLiteral(HEARTH_CLI_PATH), args);
}

QString vocabPath() {
    return QString::fromStdString(HEARTH_FIXTURE("vocab/ggml-vocab-llama-spm.gguf"));
}

}  // namespace

class TestMakeSynthetic : public QObject {
    Q_OBJECT

private slots:
    void modelMatchesReference_data() {
        QTest::addColumn<QString>("type");
        QTest::newRow("Q8_0") << "Q8_0";
        QTest::newRow("Q4_K") << "Q4_K";
        QTest::newRow("IQ4_XS") << "IQ4_XS";
        QTest::newRow("MXFP4") << "MXFP4";
    }

    void modelMatchesReference() {
        QFETCH(QString, type);
        QTemporaryDir dir;
        const QString out = dir.filePath("synthetic.gguf");
        const Run r = cli({"make-synthetic", "-o", out, "--vocab", vocabPath(), "--type", type, "--n-embd", "256",
                           "--n-layer", "2", "--n-ff", "512", "--n-head", "4", "--n-head-kv", "2", "--n-ctx", "128"});
        QVERIFY2(r.code == 0, r.err.constData());

        const hearth::GgufFile f = hearth::GgufFile::open(out.toStdString());
        QCOMPARE(QString::fromStdString(std::string(f.architecture())), QString("llama"));
        QCOMPARE(f.get_uint("llama.block_count", 0), uint64_t(2));
        QCOMPARE(f.get_uint("llama.attention.head_count_kv", 0), uint64_t(2));
        QCOMPARE(f.get_array("tokenizer.ggml.tokens")->items.size(), size_t(32000));
        QCOMPARE(QString::fromStdString(std::string(f.get_string("tokenizer.ggml.model"))), QString("llama"));
        QCOMPARE(f.tensors().size(), size_t(3 + 2 * 9));
        for (const hearth::GgufTensor & t : f.tensors())
            if (t.n_dims == 2) QCOMPARE(QString(hearth::tensor_type_info(t.type).name), type);

        auto model = hearth::Model::load(out.toStdString(), {});
        hearth::Evaluator ev(model, 2);
        std::vector<int32_t> ids = {1};
        for (int32_t i = 1; i < 32; ++i) ids.push_back((i * 7919 + 13) % 32000);
        std::vector<float> ours(ids.size() * 32000);
        QVERIFY(ev.eval(ids.data(), int32_t(ids.size()), ours.data()));
        const std::vector<float> ref = runtime_test::reference_logits(*model, ids);
        const runtime_test::Agreement a = runtime_test::compare_logits(ref, ours, 32000);
        qInfo("%s: max nrmse %.4f, top1 %.3f", qPrintable(type), a.max_nrmse, a.top1);
        // The engine quantizes activations to 8 bits and keeps the KV cache in
        // f16, so it is close to the exact reference but not equal; random
        // weights give near-ties in the argmax, hence the modest top-1 bound.
        QVERIFY2(a.max_nrmse < 0.05, qPrintable(QString("max nrmse %1").arg(a.max_nrmse)));
        QVERIFY2(a.top1 >= 0.7, qPrintable(QString("top1 %1").arg(a.top1)));
    }

    // --n-vocab without --vocab, and --fast (rows drawn from a pool): the
    // file loads, tokenizes with the generated vocabulary, and evaluates to
    // finite logits of the requested width; its matrices repeat pool rows.
    void fastWithGeneratedVocab() {
        QTemporaryDir dir;
        const QString out = dir.filePath("fast.gguf");
        const Run r = cli({"make-synthetic", "-o", out, "--n-vocab", "1000", "--type", "Q4_K", "--n-embd", "256",
                           "--n-layer", "2", "--n-ff", "512", "--n-head", "2", "--n-head-kv", "1", "--fast"});
        QVERIFY2(r.code == 0, r.err.constData());
        const hearth::GgufFile f = hearth::GgufFile::open(out.toStdString());
        QCOMPARE(f.get_array("tokenizer.ggml.tokens")->items.size(), size_t(1000));
        const hearth::GgufTensor * down = f.find_tensor("blk.0.ffn_down.weight");
        QVERIFY(down != nullptr);
        const size_t row = hearth::tensor_row_bytes(down->type, 512);
        const uint8_t * bytes = down->data;
        int repeats = 0;  // 256 rows from a pool of 64: rows must recur
        for (int a = 0; a < 256; ++a)
            for (int b = a + 1; b < 256; ++b) repeats += std::memcmp(bytes + a * row, bytes + b * row, row) == 0;
        QVERIFY(repeats > 0);

        auto model = hearth::Model::load(out.toStdString(), {});
        QCOMPARE(model->hparams().n_vocab, 1000);
        QCOMPARE(model->hparams().head_dim, 128);
        hearth::Evaluator ev(model, 2);
        std::vector<int32_t> ids = {1, 300, 999, 5};
        std::vector<float> logits(ids.size() * 1000);
        QVERIFY(ev.eval(ids.data(), int32_t(ids.size()), logits.data()));
        for (float v : logits) QVERIFY(std::isfinite(v));
        QCOMPARE(cli({"make-synthetic", "-o", out, "--n-vocab", "10"}).code, 2);  // too few for the byte tokens
    }

    // --mix writes llama.cpp's per-tensor types (restated here by hand for 8
    // layers: use_more_bits picks layers 0, 3, 6 and 7), including the 32-element
    // fallbacks of rows that are not a multiple of 256 (n_embd 320), and the
    // file computes as the reference does.
    void mixMatchesLlamaQuant_data() {
        QTest::addColumn<QString>("mix");
        QTest::addColumn<QStringList>("shape");
        QTest::addColumn<QStringList>("expected");  // "tensor=TYPE"; blk.N.name, N = * for every layer
        const QStringList qwen = {"--arch", "qwen2", "--tied", "--n-embd", "320", "--n-head", "5", "--n-head-kv", "1"};
        QTest::newRow("q4_k_m qwen2 tied")
            << "q4_k_m" << qwen << QStringList{"token_embd=Q8_0",        "blk.*.attn_q=Q5_0",   "blk.*.attn_k=Q5_0",
                                               "blk.*.attn_output=Q5_0", "blk.*.ffn_gate=Q5_0", "blk.*.ffn_up=Q5_0",
                                               "blk.0.attn_v=Q8_0",      "blk.1.attn_v=Q5_0",   "blk.3.attn_v=Q8_0",
                                               "blk.5.attn_v=Q5_0",      "blk.7.attn_v=Q8_0",   "blk.0.ffn_down=Q6_K",
                                               "blk.2.ffn_down=Q4_K",    "blk.3.ffn_down=Q6_K", "blk.4.ffn_down=Q4_K",
                                               "blk.6.ffn_down=Q6_K",    "blk.7.ffn_down=Q6_K"};
        QTest::newRow("iq4_xs qwen2 tied")
            << "iq4_xs" << qwen
            << QStringList{"token_embd=Q8_0",     "blk.*.attn_q=IQ4_NL",   "blk.*.ffn_up=IQ4_NL",  "blk.*.attn_v=Q5_1",
                           "blk.0.ffn_down=Q5_K", "blk.1.ffn_down=IQ4_XS", "blk.7.ffn_down=IQ4_XS"};
        QTest::newRow("q8_0 qwen2 tied") << "q8_0" << qwen
                                         << QStringList{"token_embd=Q8_0", "blk.*.attn_v=Q8_0", "blk.*.ffn_down=Q8_0"};
        const QStringList llama = {"--n-embd", "256", "--n-head", "4", "--n-head-kv", "2"};
        QTest::newRow("q4_k_m llama") << "q4_k_m" << llama
                                      << QStringList{"token_embd=Q4_K",    "output=Q6_K",       "blk.*.attn_q=Q4_K",
                                                     "blk.2.attn_v=Q4_K",  "blk.3.attn_v=Q6_K", "blk.2.ffn_down=Q4_K",
                                                     "blk.6.ffn_down=Q6_K"};
        QTest::newRow("iq4_xs llama (n_gqa 2)")
            << "iq4_xs" << llama
            << QStringList{"token_embd=IQ4_XS", "output=Q6_K", "blk.*.attn_v=IQ4_XS", "blk.0.ffn_down=Q5_K"};
    }

    void mixMatchesLlamaQuant() {
        QFETCH(QString, mix);
        QFETCH(QStringList, shape);
        QFETCH(QStringList, expected);
        QTemporaryDir dir;
        const QString out = dir.filePath("mix.gguf");
        const Run r = cli(QStringList{"make-synthetic", "-o", out, "--vocab", vocabPath(), "--mix", mix, "--n-layer",
                                      "8", "--n-ff", "512", "--n-ctx", "128"} +
                          shape);
        QVERIFY2(r.code == 0, r.err.constData());
        const hearth::GgufFile f = hearth::GgufFile::open(out.toStdString());
        const auto typeOf = [&](const QString & name) -> QString {
            for (const hearth::GgufTensor & t : f.tensors())
                if (QString::fromUtf8(t.name.data(), qsizetype(t.name.size())) == name + ".weight")
                    return hearth::tensor_type_info(t.type).name;
            return "missing";
        };
        for (const QString & e : expected) {
            const QString name = e.section('=', 0, 0), type = e.section('=', 1);
            const QStringList layers =
                name.startsWith("blk.*.") ? QStringList{"0", "1", "2", "3", "4", "5", "6", "7"} : QStringList{""};
            for (const QString & l : layers) {
                const QString n = l.isEmpty() ? name : QString(name).replace("*", l);
                QVERIFY2(typeOf(n) == type, qPrintable(n + ": " + typeOf(n) + ", expected " + type));
            }
        }
        auto model = hearth::Model::load(out.toStdString(), {});
        hearth::Evaluator ev(model, 2);
        std::vector<int32_t> ids = {1};
        for (int32_t i = 1; i < 24; ++i) ids.push_back((i * 7919 + 13) % 32000);
        std::vector<float> ours(ids.size() * 32000);
        QVERIFY(ev.eval(ids.data(), int32_t(ids.size()), ours.data()));
        const runtime_test::Agreement a =
            runtime_test::compare_logits(runtime_test::reference_logits(*model, ids), ours, 32000);
        QVERIFY2(a.max_nrmse < 0.05, qPrintable(QString("max nrmse %1").arg(a.max_nrmse)));
    }

    // Every architecture make-synthetic writes loads, and its decode agrees
    // with the batch (the bench files for the model families).
    void familiesLoadAndRun_data() {
        QTest::addColumn<QStringList>("extra");
        QTest::newRow("qwen2 tied") << QStringList{"--arch", "qwen2", "--tied"};
        QTest::newRow("qwen3") << QStringList{"--arch", "qwen3", "--head-dim", "128"};
        QTest::newRow("qwen3moe") << QStringList{"--arch",          "qwen3moe", "--n-expert", "8",
                                                 "--n-expert-used", "2",        "--n-ff-exp", "256"};
        QTest::newRow("gpt-oss") << QStringList{"--arch",          "gpt-oss", "--type",     "Q8_0", "--n-expert", "4",
                                                "--n-expert-used", "2",       "--n-ff-exp", "256",  "--n-swa",    "8"};
        QTest::newRow("gemma3") << QStringList{"--arch", "gemma3", "--n-swa", "8", "--tied"};
    }

    void familiesLoadAndRun() {
        QFETCH(QStringList, extra);
        QTemporaryDir dir;
        const QString out = dir.filePath("family.gguf");
        const Run r =
            cli(QStringList{"make-synthetic", "-o", out, "--vocab", vocabPath(), "--n-embd", "256", "--n-layer", "2",
                            "--n-ff", "512", "--n-head", "4", "--n-head-kv", "2", "--n-ctx", "128"} +
                extra);
        QVERIFY2(r.code == 0, r.err.constData());
        hearth::LoadOptions lo;
        lo.n_batch = 8;
        auto model = hearth::Model::load(out.toStdString(), lo);
        QCOMPARE(QString::fromStdString(model->hparams().arch), extra[1]);
        QCOMPARE(model->hparams().is_moe(), extra.contains("--n-expert"));
        hearth::Evaluator batch(model, 2), decode(model, 2);
        std::vector<int32_t> ids;
        for (int32_t i = 0; i < 24; ++i) ids.push_back((i * 7919 + 13) % 32000);
        std::vector<float> all(ids.size() * 32000);
        QVERIFY(batch.eval(ids.data(), int32_t(ids.size()), all.data()));
        std::vector<float> one;
        for (int32_t id : ids) {
            decode.eval(&id, 1);
            one.insert(one.end(), decode.last_logits(), decode.last_logits() + 32000);
        }
        for (float x : all) QVERIFY(std::isfinite(x));
        const runtime_test::Agreement a = runtime_test::compare_logits(all, one, 32000);
        QVERIFY2(a.max_nrmse < 1e-3, qPrintable(QString("decode vs batch nrmse %1").arg(a.max_nrmse)));
    }

    void rejectsBadArguments() {
        QTemporaryDir dir;
        const QString out = dir.filePath("bad.gguf");
        Run r = cli({"make-synthetic", "-o", out, "--vocab", vocabPath(), "--type", "Q2_K"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("--type Q2_K"), r.err.constData());
        r = cli({"make-synthetic", "-o", out, "--vocab", vocabPath(), "--n-embd", "100"});
        QCOMPARE(r.code, 2);
        r = cli({"make-synthetic", "-o", out, "--vocab", vocabPath(), "--arch", "mamba"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("qwen3moe"), r.err.constData());
        r = cli({"make-synthetic", "-o", out, "--vocab", vocabPath(), "--arch", "qwen3moe"});
        QCOMPARE(r.code, 2);  // a MoE needs its expert counts
        r = cli({"make-synthetic", "-o", out, "--vocab", vocabPath(), "--mix", "q3_k_s"});
        QCOMPARE(r.code, 2);
        r = cli({"make-synthetic", "-o", out, "--vocab", vocabPath(), "--mix", "q8_0", "--type", "Q4_K"});
        QCOMPARE(r.code, 2);
        r = cli({"make-synthetic", "-o", out, "--vocab",
                 QString::fromStdString(HEARTH_FIXTURE("models/stories260K.golden.json"))});
        QCOMPARE(r.code, 1);
        QVERIFY(!QFile::exists(out));
    }
};

QTEST_APPLESS_MAIN(TestMakeSynthetic)
#include "test_make_synthetic.moc"
