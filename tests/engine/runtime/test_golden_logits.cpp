// The forward pass against llama.cpp's goldens: batched prompt logits for
// stories260K and every synthetic model, and the greedy continuation of
// stories260K and of the synthetic llama model in every weight type.
#include <QtTest>
#include <cmath>

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

    // Every synthetic model (each architecture, each weight type) through the
    // decode path: the prompt as one batch, then llama.cpp's greedy tokens one
    // at a time. Random weights leave near-ties among the top logits, where a
    // free-running continuation forks for good at the first flip, so each step
    // is checked on its own: llama.cpp's token must be our argmax, or short of
    // our top logit by no more than twice the fixture's max_nrmse times the
    // logits' RMS. A gap is the difference of two logits' errors, each of the
    // size the golden tolerance allows (max_nrmse x RMS over the vocabulary).
    void syntheticGreedy_data() {
        QTest::addColumn<QString>("rel");
        for (const std::string & m : synthetic_models()) QTest::newRow(m.c_str()) << QString::fromStdString(m);
    }

    void syntheticGreedy() {
        QFETCH(QString, rel);
        const Golden g = load_golden(rel.toStdString());
        QVERIFY(!g.greedy_ids.empty());
        auto model = hearth::Model::load(g.model_path);
        hearth::Evaluator ev(model, 2);
        ev.eval(g.prompt_ids.data(), int32_t(g.prompt_ids.size()));
        for (size_t i = 0; i < g.greedy_ids.size(); ++i) {
            const float * l = ev.last_logits();
            const int32_t best = argmax(l, ev.n_vocab());
            double ss = 0;
            for (int32_t k = 0; k < ev.n_vocab(); ++k) ss += double(l[k]) * l[k];
            const double gap = double(l[best]) - l[g.greedy_ids[i]];
            const double allowed = 2.0 * g.max_nrmse * std::sqrt(ss / ev.n_vocab());
            QVERIFY2(gap <= allowed, qPrintable(QString("step %1: token %2 is %3 below our top token %4 (allowed %5)")
                                                    .arg(i)
                                                    .arg(g.greedy_ids[i])
                                                    .arg(gap)
                                                    .arg(best)
                                                    .arg(allowed)));
            int32_t next = g.greedy_ids[i];
            ev.eval(&next, 1);
        }
    }
};

QTEST_APPLESS_MAIN(TestGoldenLogits)
#include "test_golden_logits.moc"
