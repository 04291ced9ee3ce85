// The sampler chain: greedy, seeded reproducibility, each filter's effect,
// penalties with their window, and logit bias.
#include <QtTest>
#include <cmath>
#include <map>

#include "hearth/sampler.h"

namespace {

// Draws n tokens (without accepting them) and counts each.
std::map<int32_t, int> histogram(hearth::Sampler & s, const std::vector<float> & logits, int n) {
    std::map<int32_t, int> h;
    for (int i = 0; i < n; ++i) ++h[s.sample(logits.data())];
    return h;
}

hearth::SamplerParams plain(float temperature) {
    hearth::SamplerParams p;
    p.temperature = temperature;
    p.top_k = 0;
    p.top_p = 1.0f;
    p.min_p = 0.0f;
    return p;
}

}  // namespace

class TestSampler : public QObject {
    Q_OBJECT

private slots:
    void greedyIsArgmax() {
        hearth::Sampler s(plain(0.0f), 5);
        const std::vector<float> logits = {0.1f, 2.0f, -1.0f, 1.9f, 0.0f};
        for (int i = 0; i < 10; ++i) QCOMPARE(s.sample(logits.data()), 1);
    }

    void seededReproducible() {
        const std::vector<float> logits = {1.0f, 1.1f, 0.9f, 1.05f, 0.95f, 1.0f, 0.8f, 1.2f};
        auto run = [&](uint64_t seed) {
            hearth::SamplerParams p = plain(1.0f);
            p.seed = seed;
            hearth::Sampler s(p, 8);
            std::vector<int32_t> out;
            for (int i = 0; i < 64; ++i) out.push_back(s.sample(logits.data()));
            return out;
        };
        QCOMPARE(run(7), run(7));
        QVERIFY(run(7) != run(8));
        // reset() reseeds: the same sequence again.
        hearth::SamplerParams p = plain(1.0f);
        p.seed = 7;
        hearth::Sampler s(p, 8);
        std::vector<int32_t> first, second;
        for (int i = 0; i < 16; ++i) first.push_back(s.sample(logits.data()));
        s.reset();
        for (int i = 0; i < 16; ++i) second.push_back(s.sample(logits.data()));
        QCOMPARE(first, second);
    }

    void topKKeepsOnlyK() {
        hearth::SamplerParams p = plain(5.0f);  // hot, so everything would appear
        p.top_k = 2;
        hearth::Sampler s(p, 6);
        const std::vector<float> logits = {0.0f, 3.0f, 0.5f, 2.9f, 0.2f, 0.1f};
        const auto h = histogram(s, logits, 500);
        QCOMPARE(int(h.size()), 2);
        QVERIFY(h.count(1) && h.count(3));
    }

    void topPCutsTheTail() {
        // Probabilities about 0.64, 0.24, 0.09, 0.03: top_p 0.8 keeps the first two.
        const std::vector<float> logits = {3.0f, 2.0f, 1.0f, 0.0f};
        hearth::SamplerParams p = plain(1.0f);
        p.top_p = 0.8f;
        hearth::Sampler s(p, 4);
        const auto h = histogram(s, logits, 1000);
        QCOMPARE(int(h.size()), 2);
        QVERIFY(h.count(0) && h.count(1));
        hearth::Sampler all(plain(1.0f), 4);
        QCOMPARE(int(histogram(all, logits, 2000).size()), 4);
    }

    void minPDropsUnlikelyTokens() {
        // p = 0.5, 0.3, 0.2 (as logits); min_p 0.5 keeps p >= 0.25: tokens 0 and 1.
        const std::vector<float> logits = {std::log(0.5f), std::log(0.3f), std::log(0.2f)};
        hearth::SamplerParams p = plain(1.0f);
        p.min_p = 0.5f;
        hearth::Sampler s(p, 3);
        const auto h = histogram(s, logits, 1000);
        QCOMPARE(int(h.size()), 2);
        QVERIFY(!h.count(2));
    }

    void temperatureSharpens() {
        const std::vector<float> logits = {1.0f, 0.5f, 0.0f, -0.5f};
        hearth::Sampler cold(plain(0.1f), 4), hot(plain(3.0f), 4);
        const int cold_top = histogram(cold, logits, 1000)[0];
        const int hot_top = histogram(hot, logits, 1000)[0];
        QVERIFY2(cold_top > 980, qPrintable(QString::number(cold_top)));
        QVERIFY2(hot_top < 500, qPrintable(QString::number(hot_top)));
    }

    void repetitionPenalty() {
        const std::vector<float> logits = {2.0f, 1.5f, 0.0f};
        hearth::SamplerParams p = plain(0.0f);
        p.repeat_penalty = 1.5f;  // 2.0 / 1.5 = 1.33 < 1.5
        hearth::Sampler s(p, 3);
        QCOMPARE(s.sample(logits.data()), 0);
        s.accept(0);
        QCOMPARE(s.sample(logits.data()), 1);
        // A negative logit is multiplied, so it goes further down, never up.
        const std::vector<float> neg = {-1.0f, -1.2f};
        hearth::Sampler n(p, 2);
        n.accept(0);
        QCOMPARE(n.sample(neg.data()), 1);  // -1.5 < -1.2
    }

    void presenceAndFrequencyPenalties() {
        const std::vector<float> logits = {1.0f, 0.7f, 0.0f};
        hearth::SamplerParams pres = plain(0.0f);
        pres.presence_penalty = 0.5f;
        hearth::Sampler a(pres, 3);
        a.accept(0);
        QCOMPARE(a.sample(logits.data()), 1);  // 0.5 < 0.7

        hearth::SamplerParams freq = plain(0.0f);
        freq.frequency_penalty = 0.2f;
        hearth::Sampler b(freq, 3);
        b.accept(0);
        QCOMPARE(b.sample(logits.data()), 0);  // 0.8 > 0.7: one occurrence is not enough
        b.accept(0);
        QCOMPARE(b.sample(logits.data()), 1);  // 0.6 < 0.7
    }

    void penaltyWindow() {
        const std::vector<float> logits = {1.0f, 0.9f, 0.0f, 0.0f};
        hearth::SamplerParams p = plain(0.0f);
        p.presence_penalty = 1.0f;
        p.penalty_last_n = 2;
        hearth::Sampler s(p, 4);
        s.accept(0);
        QCOMPARE(s.sample(logits.data()), 1);
        s.accept(2);
        s.accept(3);  // token 0 is now outside the window of 2
        QCOMPARE(s.sample(logits.data()), 0);
    }

    void logitBias() {
        const std::vector<float> logits = {2.0f, 1.0f, 0.0f};
        hearth::SamplerParams p = plain(0.0f);
        p.logit_bias = {{2, 5.0f}};
        QCOMPARE(hearth::Sampler(p, 3).sample(logits.data()), 2);
        p.logit_bias = {{0, -INFINITY}};
        hearth::SamplerParams hot = p;
        hot.temperature = 10.0f;
        hearth::Sampler banned(hot, 3);
        QVERIFY(!histogram(banned, logits, 500).count(0));
        QCOMPARE(hearth::Sampler(p, 3).sample(logits.data()), 1);
    }

    // n_probs: the chosen token's log-probability and the likeliest ones,
    // from the distribution it was drawn from (after the whole chain).
    void probabilitiesAfterTheChain() {
        const std::vector<float> logits = {1.0f, 3.0f, 2.0f, 0.0f, -1.0f};
        auto softmax = [](const std::vector<float> & l, float t, const std::vector<int> & keep) {
            double sum = 0;
            for (int i : keep) sum += std::exp(double(l[size_t(i)]) / t);
            std::map<int, double> p;
            for (int i : keep) p[i] = std::log(std::exp(double(l[size_t(i)]) / t) / sum);
            return p;
        };
        // Greedy: all tokens at temperature 1.
        hearth::SamplerParams g = plain(0.0f);
        g.n_probs = 3;
        hearth::Sampler greedy(g, 5);
        QCOMPARE(greedy.sample(logits.data()), 1);
        auto want = softmax(logits, 1.0f, {0, 1, 2, 3, 4});
        const hearth::SampledProbs & gp = greedy.last_probs();
        QCOMPARE(gp.chosen.id, 1);
        QVERIFY(std::fabs(gp.chosen.logprob - want[1]) < 1e-5);
        QCOMPARE(gp.top.size(), size_t(3));
        QCOMPARE(gp.top[0].id, 1);
        QCOMPARE(gp.top[1].id, 2);
        QCOMPARE(gp.top[2].id, 0);
        QVERIFY(std::fabs(gp.top[2].logprob - want[0]) < 1e-5);

        // Sampled: top-k 2 at temperature 0.5 leaves tokens 1 and 2, renormalised.
        hearth::SamplerParams p = plain(0.5f);
        p.top_k = 2;
        p.n_probs = 5;
        p.seed = 3;
        hearth::Sampler s(p, 5);
        want = softmax(logits, 0.5f, {1, 2});
        for (int i = 0; i < 20; ++i) {
            const int32_t tok = s.sample(logits.data());
            const hearth::SampledProbs & sp = s.last_probs();
            QCOMPARE(sp.chosen.id, tok);
            QVERIFY(std::fabs(sp.chosen.logprob - want[tok]) < 1e-5);
            QCOMPARE(sp.top.size(), size_t(2));  // only what survived the chain
            QVERIFY(std::fabs(std::exp(sp.top[0].logprob) + std::exp(sp.top[1].logprob) - 1.0) < 1e-5);
        }
        // Off by default: nothing recorded.
        hearth::Sampler off(plain(0.0f), 5);
        off.sample(logits.data());
        QCOMPARE(off.last_probs().chosen.id, -1);
    }
};

QTEST_APPLESS_MAIN(TestSampler)
#include "test_sampler.moc"
