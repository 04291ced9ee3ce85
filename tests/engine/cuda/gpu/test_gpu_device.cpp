// Real-GPU checks. Without a GPU they skip, printing the probe's reason.
#include <QtTest>

#include "hearth/gpu.h"

class TestGpuDevice : public QObject {
    Q_OBJECT
private slots:
    void deviceReportsMemory() {
        hearth::GpuProbe probe = hearth::probe_gpus();
        if (!probe.available()) QSKIP(qPrintable(QStringLiteral("no GPU: ") + QString::fromStdString(probe.reason)));
        const hearth::GpuDevice & d = probe.devices.front();
        qInfo("GPU 0: %s, compute %d.%d, %.1f GiB total, %.1f GiB free", d.name.c_str(), d.compute_major,
              d.compute_minor, d.vram_total / 1073741824.0, d.vram_free / 1073741824.0);
        QVERIFY(d.compute_major >= 5);
        QVERIFY(d.vram_free > 0);
    }
};

QTEST_APPLESS_MAIN(TestGpuDevice)
#include "test_gpu_device.moc"
