// The emulated backend's logits against the CPU backend's and llama.cpp's
// golden rows (sim_forward.h's positions), within the fixture's tolerance:
// max nrmse and top-1 agreement, each reported. A Qt Test helper: a failed
// check returns from it, so callers check QTest::currentTestFailed().
#pragma once

#include <QtTest>

#include "sim_forward.h"

namespace sim_forward {

inline void check_agreement(const runtime_test::Golden & g, const std::vector<float> & cpu, const Run & gpu,
                            const QString & what) {
    const std::vector<float> golden = golden_rows(g);
    const runtime_test::Agreement vs_cpu = runtime_test::compare_logits(cpu, gpu.logits, g.n_vocab);
    const runtime_test::Agreement vs_golden = runtime_test::compare_logits(golden, gpu.logits, g.n_vocab);
    qInfo("%s: nrmse vs CPU %.2e, vs llama.cpp %.2e (tolerance %.2e); top-1 %.3f / %.3f (min %.3f)", qPrintable(what),
          vs_cpu.max_nrmse, vs_golden.max_nrmse, g.max_nrmse, vs_cpu.top1, vs_golden.top1, g.min_top1);
    QVERIFY2(vs_cpu.max_nrmse <= g.max_nrmse, qPrintable(what + " vs CPU " + QString::number(vs_cpu.max_nrmse)));
    QVERIFY2(vs_golden.max_nrmse <= g.max_nrmse,
             qPrintable(what + " vs golden " + QString::number(vs_golden.max_nrmse)));
    QVERIFY2(vs_cpu.top1 >= g.min_top1, qPrintable(what + " top-1 vs CPU " + QString::number(vs_cpu.top1)));
    QVERIFY2(vs_golden.top1 >= g.min_top1, qPrintable(what + " top-1 vs golden " + QString::number(vs_golden.top1)));
}

}  // namespace sim_forward
