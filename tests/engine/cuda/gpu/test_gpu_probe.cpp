// The GPU probe on any machine: it never throws, and when no GPU is usable it
// says why in words a person understands.
#include <QtTest>

#include "hearth/gpu.h"

class TestGpuProbe : public QObject {
    Q_OBJECT
private slots:
    void probeExplainsItself() {
        hearth::GpuProbe probe = hearth::probe_gpus();
#ifdef HEARTH_HAVE_CUDA
        QVERIFY(probe.built_with_cuda);
#else
        QVERIFY(!probe.built_with_cuda);
        QVERIFY(!probe.available());
        QVERIFY(QString::fromStdString(probe.reason).contains(QStringLiteral("no CUDA support")));
#endif
        if (probe.available()) {
            for (const auto & d : probe.devices) {
                QVERIFY(!d.name.empty());
                QVERIFY(d.vram_total > 0);
                QVERIFY(d.vram_free <= d.vram_total);
            }
        } else {
            QVERIFY2(probe.reason.size() > 20, probe.reason.c_str());
            QVERIFY(QString::fromStdString(probe.reason).contains(QStringLiteral("CPU")));
        }
    }

    void probeIsRepeatable() {
        hearth::GpuProbe a = hearth::probe_gpus();
        hearth::GpuProbe b = hearth::probe_gpus();
        QCOMPARE(a.devices.size(), b.devices.size());
        QCOMPARE(a.reason, b.reason);
    }
};

QTEST_APPLESS_MAIN(TestGpuProbe)
#include "test_gpu_probe.moc"
