// The memory estimate and fit badge, checked against hand-computed figures.
#include <QtTest>

#include "core/memory_estimate.h"

using namespace Hearth;

class TestMemoryEstimate : public QObject {
    Q_OBJECT
private slots:
    void kvCacheF16() {
        // A Llama-3-8B shape: 32 layers, 8 KV heads of 128.
        ModelShape s;
        s.weightBytes = 4'920'000'000;
        s.nLayer = 32;
        s.nEmbd = 4096;
        s.nHeadKv = 8;
        s.headDimK = 128;
        s.headDimV = 128;
        s.nVocab = 128256;
        const MemoryEstimate e = estimateMemory(s, 8192, KvCacheType::F16);
        // 32 * 8192 * 8 * (128 + 128) * 2 bytes = 1 GiB exactly.
        QCOMPARE(e.kvCache, qint64(1) << 30);
        QCOMPARE(e.weights, qint64(4'920'000'000));
        // 64 MiB + 512 * (8 * 4096 * 4 + 128256 * 4)
        QCOMPARE(e.scratch, (qint64(64) << 20) + 512 * (8 * 4096 * 4 + qint64(128256) * 4));
        QCOMPARE(e.total(), e.weights + e.kvCache + e.scratch);
    }

    void kvCacheQ8() {
        ModelShape s;
        s.nLayer = 32;
        s.nHeadKv = 8;
        s.headDimK = 128;
        s.headDimV = 128;
        const MemoryEstimate f16 = estimateMemory(s, 8192, KvCacheType::F16);
        const MemoryEstimate q8 = estimateMemory(s, 8192, KvCacheType::Q8_0);
        // q8_0 is 34 bytes per 32 elements against f16's 64.
        QCOMPARE(q8.kvCache * 64, f16.kvCache * 34);
        // The cache grows linearly with the context.
        QCOMPARE(estimateMemory(s, 16384, KvCacheType::Q8_0).kvCache, 2 * q8.kvCache);
    }

    void differentKeyAndValueDims() {
        ModelShape s;
        s.nLayer = 2;
        s.nHeadKv = 2;
        s.headDimK = 192;
        s.headDimV = 128;
        QCOMPARE(estimateMemory(s, 100, KvCacheType::F16).kvCache, qint64(2 * 100 * 2 * (192 + 128) * 2));
    }

    void badges() {
        MemoryEstimate e;
        e.weights = 6'000;
        e.kvCache = 3'000;
        e.scratch = 1'000;  // total 10'000
        QCOMPARE(fitBadge(e, 100'000, 12'000), FitBadge::FitsGpu);
        QCOMPARE(fitBadge(e, 100'000, 10'000), FitBadge::FitsGpu);  // exactly fits
        QCOMPARE(fitBadge(e, 100'000, 4'000), FitBadge::PartialOffload);
        QCOMPARE(fitBadge(e, 6'000, 4'000), FitBadge::PartialOffload);  // 4k + 6k = 10k
        QCOMPARE(fitBadge(e, 5'999, 4'000), FitBadge::TooBig);
        QCOMPARE(fitBadge(e, 100'000, 0), FitBadge::CpuOnly);  // no GPU known
        QCOMPARE(fitBadge(e, 9'999, 0), FitBadge::TooBig);
        QCOMPARE(fitBadge(e, -1, -1), FitBadge::TooBig);
        QCOMPARE(fitBadgeName(FitBadge::PartialOffload), QStringLiteral("partial offload"));
    }

    void memAvailable() {
        const QByteArray meminfo =
            "MemTotal:       32763204 kB\nMemFree:         1234567 kB\n"
            "MemAvailable:   20000000 kB\nBuffers:          123 kB\n";
        QCOMPARE(parseMemAvailable(meminfo), qint64(20000000) * 1024);
        QCOMPARE(parseMemAvailable("MemTotal: 1 kB\n"), qint64(-1));
        QCOMPARE(parseMemAvailable("MemAvailable: lots kB\n"), qint64(-1));
        QVERIFY(availableRamBytes() > 0);  // Linux always has /proc/meminfo
    }
};

QTEST_APPLESS_MAIN(TestMemoryEstimate)
#include "test_memory_estimate.moc"
