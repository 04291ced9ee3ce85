// The fit badge is derived from hearth::plan_memory and nothing else: for the
// same footprint and free memory, the badge says what the plan does (all on
// the GPU, some layers, none) and whether the rest fits in RAM.
#include <QtTest>

#include "common/fixtures.h"
#include "core/model_footprint.h"
#include "core/plan_summary.h"
#include "hearth/chat_setup.h"
#include "hearth/load_plan.h"

using namespace Hearth;

namespace {

constexpr uint64_t MiB = 1ull << 20;

// A small dense model: 8 layers of 40 MiB, a 30 MiB embedding and 35 MiB of
// output; GQA with 4 KV heads of 128.
hearth::ModelFootprint denseModel() {
    hearth::ModelFootprint fp;
    hearth::ModelHparams & hp = fp.hp;
    hp.arch = "llama";
    hp.n_layer = 8;
    hp.n_embd = 2048;
    hp.n_head = 16;
    hp.n_head_kv = 4;
    hp.head_dim = hp.head_dim_v = 128;
    hp.n_ff = 5632;
    hp.n_vocab = 32000;
    hp.n_ctx_train = 8192;
    fp.layer_bytes.assign(8, 40 * MiB);
    fp.embd_bytes = 30 * MiB;
    fp.output_bytes = 35 * MiB;
    return fp;
}

// The same with 30 of each layer's 40 MiB in expert tensors.
hearth::ModelFootprint moeModel() {
    hearth::ModelFootprint fp = denseModel();
    fp.layer_expert_bytes.assign(8, 30 * MiB);
    return fp;
}

hearth::MemoryPlan planAt(const hearth::ModelFootprint & fp, qint64 vram) {
    return hearth::plan_memory(fp, makePlanRequest(fp, 0, hearth::KvType_f16, -1, vram));
}

}  // namespace

class TestPlanFitBadge : public QObject {
    Q_OBJECT
private slots:
    void requestFollowsTheEngine() {
        hearth::ModelFootprint fp = denseModel();
        // No context setting: what a load picks (min(trained, default)).
        QCOMPARE(makePlanRequest(fp, 0, hearth::KvType_f16, -1, 0).n_ctx, hearth::kDefaultContextSize);
        QCOMPARE(makePlanRequest(fp, 0, hearth::KvType_f16, -1, 0).n_ctx, hearth::choose_context_size(8192, 0));
        fp.hp.n_ctx_train = 1024;
        QCOMPARE(makePlanRequest(fp, 0, hearth::KvType_f16, -1, 0).n_ctx, 1024);
        fp.hp.n_ctx_train = 0;  // unknown: the engine's fallback, not a guess of our own
        QCOMPARE(makePlanRequest(fp, 0, hearth::KvType_f16, -1, 0).n_ctx, hearth::choose_context_size(0, 0));
        // A setting wins, even past the trained context.
        QCOMPARE(makePlanRequest(fp, 100000, hearth::KvType_f16, -1, 0).n_ctx, 100000);
        const hearth::PlanRequest r = makePlanRequest(fp, 512, hearth::KvType_q8_0, -7, -5);
        QCOMPARE(r.kv_type, hearth::KvType_q8_0);
        QCOMPARE(r.n_gpu_layers, -1);  // anything negative is auto
        QCOMPARE(r.vram_budget, uint64_t(0));
        QCOMPARE(makePlanRequest(fp, 512, hearth::KvType_f16, 3, 5 * qint64(MiB)).n_gpu_layers, 3);
        // The batch and the GPU's logit rows a load plans its scratch with.
        hearth::LoadOptions load;
        load.kv_type = hearth::KvType_q8_0;
        load.n_gpu_layers = 3;
        const hearth::PlanRequest loadReq = hearth::load_plan_request(load, 512, 5 * MiB);
        const hearth::PlanRequest badgeReq = makePlanRequest(fp, 512, hearth::KvType_q8_0, 3, 5 * qint64(MiB));
        QCOMPARE(badgeReq.n_batch, loadReq.n_batch);
        QCOMPARE(badgeReq.n_outputs, loadReq.n_outputs);
        QVERIFY(loadReq.n_outputs > 1);  // a GPU backend computes several logit rows per step
        QCOMPARE(badgeReq.vram_budget, loadReq.vram_budget);
        QCOMPARE(badgeReq.kv_type, loadReq.kv_type);
        QCOMPARE(badgeReq.n_gpu_layers, loadReq.n_gpu_layers);
    }

    void fitsGpuWhenThePlanOffloadsEverything() {
        const hearth::ModelFootprint fp = denseModel();
        const hearth::MemoryPlan all = planAt(fp, qint64(1ull << 40));
        QVERIFY(all.full_offload);
        // Exactly the VRAM the full plan takes: still everything on the GPU.
        const hearth::MemoryPlan exact = planAt(fp, qint64(all.vram.total()));
        QVERIFY(exact.full_offload);
        QCOMPARE(fitBadgeFromPlan(exact, 0), FitBadge::FitsGpu);  // the embedding's RAM is not the badge's concern
        QCOMPARE(fitBadgeFromPlan(all, 1ll << 40), FitBadge::FitsGpu);
    }

    void partialWhenSomeLayersStayOnTheCpu() {
        const hearth::ModelFootprint fp = denseModel();
        const hearth::MemoryPlan all = planAt(fp, qint64(1ull << 40));
        const hearth::MemoryPlan part = planAt(fp, qint64(all.vram.total()) - 1);
        QVERIFY(!part.full_offload);
        QVERIFY(part.n_gpu_layers > 0);
        QCOMPARE(fitBadgeFromPlan(part, qint64(part.ram.total())), FitBadge::PartialOffload);
        // The rest does not fit in RAM: too big, even though some of it is on the GPU.
        QCOMPARE(fitBadgeFromPlan(part, qint64(part.ram.total()) - 1), FitBadge::TooBig);
        // Half the VRAM: fewer layers, still partial.
        const hearth::MemoryPlan half = planAt(fp, qint64(all.vram.total() / 2));
        QVERIFY(half.n_gpu_layers > 0 && half.n_gpu_layers < part.n_gpu_layers);
        QCOMPARE(fitBadgeFromPlan(half, 1ll << 40), FitBadge::PartialOffload);
    }

    void cpuOnlyOrTooBigWithoutAGpu() {
        const hearth::ModelFootprint fp = denseModel();
        const hearth::MemoryPlan cpu = planAt(fp, 0);
        QCOMPARE(cpu.n_gpu_layers, 0);
        QCOMPARE(fitBadgeFromPlan(cpu, qint64(cpu.ram.total())), FitBadge::CpuOnly);
        QCOMPARE(fitBadgeFromPlan(cpu, qint64(cpu.ram.total()) - 1), FitBadge::TooBig);
        QCOMPARE(fitBadgeFromPlan(cpu, -1), FitBadge::TooBig);
        // A longer context grows the KV cache the RAM must hold.
        const hearth::MemoryPlan longCtx =
            hearth::plan_memory(fp, makePlanRequest(fp, 32768, hearth::KvType_f16, -1, 0));
        QVERIFY(longCtx.ram.kv > cpu.ram.kv);
        QCOMPARE(fitBadgeFromPlan(longCtx, qint64(cpu.ram.total())), FitBadge::TooBig);
    }

    // MoE: a model a byte too big for the GPU keeps every layer there and
    // moves the experts of its first layer to RAM (the load does the same:
    // the CUDA backend runs them on the CPU), and the badge is partial.
    void expertsInRamArePartial() {
        const hearth::ModelFootprint fp = moeModel();
        const hearth::MemoryPlan all = planAt(fp, qint64(1ull << 40));
        QCOMPARE(fitBadgeFromPlan(all, 1ll << 40), FitBadge::FitsGpu);
        QCOMPARE(all.cpu_moe_layers, 0);
        const hearth::MemoryPlan moved = planAt(fp, qint64(all.vram.total()) - 1);
        QVERIFY(moved.full_offload);
        QCOMPARE(moved.cpu_moe_layers, 1);
        QCOMPARE(moved.n_cpu_moe, 1);
        QCOMPARE(fitBadgeFromPlan(moved, 1ll << 40), FitBadge::PartialOffload);
        QVERIFY2(planSummary(moved).contains(QStringLiteral("experts of 1 layers on the CPU")),
                 qPrintable(planSummary(moved)));
        // Too little even with every expert in RAM: then whole layers leave.
        const uint64_t experts = 8 * 30 * MiB;
        const hearth::MemoryPlan fewer = planAt(fp, qint64(all.vram.total() - experts) - 1);
        QVERIFY(!fewer.full_offload && fewer.n_gpu_layers > 0);
        QCOMPARE(fewer.cpu_moe_layers, fewer.gpu_layers);
        QCOMPARE(fitBadgeFromPlan(fewer, 1ll << 40), FitBadge::PartialOffload);
    }

    // A real file's footprint: the badge moves with the plan as the VRAM shrinks.
    void realFileAgreesWithItsPlan() {
        const hearth::ModelFootprint fp =
            localFootprint({QString::fromStdString(hearth_test::fixture("models/stories260K.gguf"))});
        const hearth::MemoryPlan all = planAt(fp, qint64(1ull << 30));
        QVERIFY(all.full_offload);
        QCOMPARE(fitBadgeFromPlan(all, 1ll << 30), FitBadge::FitsGpu);
        const hearth::MemoryPlan some = planAt(fp, qint64(all.vram.total()) - 1);
        QCOMPARE(fitBadgeFromPlan(some, 1ll << 30),
                 some.n_gpu_layers > 0 ? FitBadge::PartialOffload : FitBadge::CpuOnly);
        QCOMPARE(fitBadgeFromPlan(planAt(fp, 0), 1ll << 30), FitBadge::CpuOnly);
        QCOMPARE(planTotalBytes(all), qint64(all.vram.total() + all.ram.total()));
    }

    void names() {
        QCOMPARE(fitBadgeName(FitBadge::FitsGpu), QStringLiteral("fits GPU"));
        QCOMPARE(fitBadgeName(FitBadge::PartialOffload), QStringLiteral("partial offload"));
        QCOMPARE(fitBadgeName(FitBadge::CpuOnly), QStringLiteral("CPU only"));
        QCOMPARE(fitBadgeName(FitBadge::TooBig), QStringLiteral("too big"));
        QCOMPARE(fitBadgeName(FitBadge::Unsupported), QStringLiteral("not supported"));
        bool ok = false;
        QCOMPARE(kvTypeFromName(QStringLiteral(" Q8_0 "), &ok), hearth::KvType_q8_0);
        QVERIFY(ok);
        QCOMPARE(kvTypeFromName(QStringLiteral("q4_0"), &ok), hearth::KvType_f16);
        QVERIFY(!ok);
        QCOMPARE(kvTypeName(hearth::KvType_q8_0), QStringLiteral("q8_0"));
        QCOMPARE(kvTypeName(hearth::KvType_f16), QStringLiteral("f16"));
    }
};

QTEST_APPLESS_MAIN(TestPlanFitBadge)
#include "test_plan_fit_badge.moc"
