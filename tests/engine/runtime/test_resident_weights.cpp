// The CPU's weights copied out of the file mapping (runtime/resident_weights.h):
// the copy holds the same bytes, the evaluator's logits stay bit-identical,
// only the CPU's layers and output are copied, half of a fused expert tensor
// is packed, and the copy is skipped (weights read in place) when asked or
// when it would not leave room in RAM.
#include <QtTest>
#include <cstring>

#include "cpu/thread_pool.h"
#include "golden.h"
#include "hearth/evaluator.h"
#include "model/weights.h"
#include "quant/quant.h"
#include "runtime/resident_weights.h"

using namespace runtime_test;

namespace {

constexpr uint64_t kGiB = uint64_t(1) << 30;

size_t view_bytes(const hearth::WeightView & v) {
    return hearth::tensor_row_bytes(v.type, v.n_in) * size_t(v.n_out);
}

bool same_bytes(const hearth::WeightView & a, const hearth::WeightView & b) {
    return view_bytes(a) == view_bytes(b) && std::memcmp(a.data, b.data, view_bytes(a)) == 0;
}

hearth::ResidentWeights::Request plenty(int32_t n_cpu_layers, bool output_on_cpu) {
    hearth::ResidentWeights::Request r;
    r.n_cpu_layers = n_cpu_layers;
    r.output_on_cpu = output_on_cpu;
    r.available_bytes = 64 * kGiB;
    return r;
}

std::vector<float> all_logits(const std::shared_ptr<const hearth::Model> & m, const std::vector<int32_t> & ids,
                              uint64_t * copied) {
    hearth::Evaluator ev(m, 2);
    *copied = ev.placement().weights_copied;
    std::vector<float> out(ids.size() * size_t(ev.n_vocab()));
    ev.eval(ids.data(), int32_t(ids.size()), out.data());
    // Decode too: one token at a time takes the GEMV kernels.
    const int32_t next = ids.front();
    ev.eval(&next, 1);
    out.insert(out.end(), ev.last_logits(), ev.last_logits() + ev.n_vocab());
    return out;
}

}  // namespace

class TestResidentWeights : public QObject {
    Q_OBJECT

private slots:
    void policyLeavesAQuarterOfTheAvailableRam() {
        QVERIFY(hearth::weights_fit_in_ram(3 * kGiB, 0, 4 * kGiB));
        QVERIFY(!hearth::weights_fit_in_ram(3 * kGiB + 3, 0, 4 * kGiB));
        QVERIFY(!hearth::weights_fit_in_ram(2 * kGiB, kGiB + 3, 4 * kGiB));  // the KV cache and scratch count
        QVERIFY(!hearth::weights_fit_in_ram(1, 0, 0));                       // unknown RAM: no copy
    }

    // A MoE model (expert tensors) and a dense one: same logits, bit for bit,
    // with the copy as without it, for prefill and decode.
    void evaluatorCopiesAndKeepsTheLogits_data() {
        QTest::addColumn<QString>("file");
        QTest::newRow("qwen3moe Q4_K_M") << "models/synthetic/qwen3moe-Q4_K_M.gguf";
        QTest::newRow("qwen2 IQ4_XS") << "models/synthetic/qwen2-IQ4_XS.gguf";
    }
    void evaluatorCopiesAndKeepsTheLogits() {
        QFETCH(QString, file);
        const Golden g = load_golden(file.toStdString());
        hearth::LoadOptions copy, in_place;
        in_place.copy_weights = false;
        uint64_t copied = 0, none = 1;
        const std::vector<float> a = all_logits(hearth::Model::load(g.model_path, copy), g.prompt_ids, &copied);
        const std::vector<float> b = all_logits(hearth::Model::load(g.model_path, in_place), g.prompt_ids, &none);
        QVERIFY(copied > 0);
        QCOMPARE(none, uint64_t(0));
        QCOMPARE(a.size(), b.size());
        QVERIFY(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
    }

    // With the last layer and the output on a GPU, only layer 0 is copied.
    void copiesOnlyTheCpuLayers() {
        const Golden g = load_golden("models/synthetic/qwen2-Q4_K_M.gguf");
        const auto model = hearth::Model::load(g.model_path);
        const hearth::ModelWeights & w = model->weights();
        QVERIFY(w.layers.size() >= 2);
        hearth::ThreadPool pool(2);
        const hearth::ResidentWeights r(w, plenty(1, false), pool);
        QVERIFY(r.note().empty());
        const hearth::ModelWeights & c = r.weights();
        size_t bytes = 0;
        const auto copied = c.layers[0].matrices();
        const auto mapped = w.layers[0].matrices();
        QCOMPARE(copied.size(), mapped.size());
        for (size_t i = 0; i < copied.size(); ++i) {
            QVERIFY(copied[i]->data != mapped[i]->data);
            QVERIFY(same_bytes(*copied[i], *mapped[i]));
            bytes += view_bytes(*mapped[i]);
        }
        QVERIFY(r.copied_bytes() >= bytes && r.copied_bytes() < bytes + 64 * copied.size());
        const auto second = c.layers[1].matrices();
        for (size_t i = 0; i < second.size(); ++i) QCOMPARE(second[i]->data, w.layers[1].matrices()[i]->data);
        QCOMPARE(c.output.data, w.output.data);
        QCOMPARE(c.token_embd.data, w.token_embd.data);
        QCOMPARE(c.layers[0].attn_norm, w.layers[0].attn_norm);  // 1-D tensors stay where they are
    }

    // Half of a fused gate|up expert tensor (stride of two matrices) comes out
    // packed, each expert's matrix unchanged; a view bound twice is copied once.
    void packsHalfOfAFusedExpertTensor() {
        const int64_t n_in = 64, n_out = 3, n_expert = 4;
        const size_t expert_bytes = hearth::tensor_row_bytes(hearth::TensorType_Q8_0, n_in) * n_out;
        std::vector<uint8_t> fused(2 * expert_bytes * n_expert);
        for (size_t i = 0; i < fused.size(); ++i) fused[i] = uint8_t(i * 7 + 3);
        hearth::ModelWeights w;
        w.layers.resize(1);
        hearth::MoeWeights & m = w.layers[0].moe;
        for (int half = 0; half < 2; ++half) {
            hearth::ExpertWeights & e = half == 0 ? m.gate : m.up;
            e = {hearth::TensorType_Q8_0, fused.data() + half * expert_bytes, n_in, n_out, n_expert, expert_bytes,
                 2 * expert_bytes};
        }
        m.down = m.gate;  // the same tensor twice: one copy
        hearth::ThreadPool pool(2);
        const hearth::ResidentWeights r(w, plenty(1, true), pool);
        QVERIFY(r.note().empty());
        const hearth::MoeWeights & c = r.weights().layers[0].moe;
        QCOMPARE(r.copied_bytes(), 2 * ((expert_bytes * n_expert + 63) / 64 * 64));
        QCOMPARE(c.down.data, c.gate.data);
        for (const auto & [copy, orig] : {std::pair{&c.gate, &m.gate}, std::pair{&c.up, &m.up}}) {
            QCOMPARE(copy->stride, expert_bytes);
            for (int64_t x = 0; x < n_expert; ++x) QVERIFY(same_bytes(copy->expert(x), orig->expert(x)));
        }
    }

    void readsInPlaceWhenAskedOrShortOfRam() {
        const Golden g = load_golden("models/synthetic/qwen2-Q8_0.gguf");
        const auto model = hearth::Model::load(g.model_path);
        hearth::ThreadPool pool(1);
        hearth::ResidentWeights::Request asked = plenty(1000, true);
        asked.allowed = false;
        const hearth::ResidentWeights a(model->weights(), asked, pool);
        QCOMPARE(&a.weights(), &model->weights());
        QCOMPARE(a.copied_bytes(), size_t(0));
        QVERIFY(a.note().find("as asked") != std::string::npos);

        hearth::ResidentWeights::Request short_of_ram = plenty(1000, true);
        short_of_ram.available_bytes = 1 << 20;
        const hearth::ResidentWeights s(model->weights(), short_of_ram, pool);
        QCOMPARE(&s.weights(), &model->weights());
        QVERIFY2(s.note().find("3/4") != std::string::npos, s.note().c_str());
    }
};

QTEST_GUILESS_MAIN(TestResidentWeights)
#include "test_resident_weights.moc"
