// The forward pass against llama.cpp's goldens: batched prompt logits for
// stories260K and every synthetic model, and stories260K's greedy continuation.
#include <QtTest>

#include "golden.h"
#include "hearth/evaluator.h"
#include "hearth/model.h"

using namespace runtime_test;

class TestGoldenLogits : public QObject {
    Q_OBJECT

private:
    Agreement measure(const Golden & g) {
        auto model = hearth::Model::load(g.model_path);
        hearth::Evaluator ev(model, 2);
        std::vector<float> logits(g.prompt_ids.size() * size_t(ev.n_vocab()));
        ev.eval(g.prompt_ids.data(), int32_t(g.prompt_ids.size()), logits.data());
        return compare_logits(g.logits, logits, g.n_vocab);
    }

private slots:
    void batchLogits_data() {
        QTest::addColumn<QString>("rel");
        QTest::newRow("stories260K") << QString("models/stories260K.gguf");
        for (const std::string & m : synthetic_models()) QTest::newRow(m.c_str()) << QString::fromStdString(m);
    }

    void batchLogits() {
        QFETCH(QString, rel);
        const Golden g = load_golden(rel.toStdString());
        const Agreement a = measure(g);
        qDebug("%-40s max_nrmse %.6f (tolerance %.5f)  top1 %.4f (min %.4f)", qPrintable(rel), a.max_nrmse, g.max_nrmse,
               a.top1, g.min_top1);
        QVERIFY2(a.max_nrmse <= g.max_nrmse,
                 qPrintable(QString("max nrmse %1 > %2").arg(a.max_nrmse).arg(g.max_nrmse)));
        QVERIFY2(a.top1 >= g.min_top1, qPrintable(QString("top1 %1 < %2").arg(a.top1).arg(g.min_top1)));
    }

    void storiesGreedy() {
        const Golden g = load_golden("models/stories260K.gguf");
        auto model = hearth::Model::load(g.model_path);
        hearth::Evaluator ev(model, 2);
        ev.eval(g.prompt_ids.data(), int32_t(g.prompt_ids.size()));
        std::vector<int32_t> got;
        for (size_t i = 0; i < g.greedy_ids.size(); ++i) {
            int32_t next = argmax(ev.last_logits(), ev.n_vocab());
            got.push_back(next);
            ev.eval(&next, 1);
        }
        QCOMPARE(got, g.greedy_ids);
    }
};

QTEST_APPLESS_MAIN(TestGoldenLogits)
#include "test_golden_logits.moc"
