// The Models settings' GPU picker (ModelsController gpuChoices /
// gpuChoiceIndex / gpuPickerShown / setGpuDevice, core/gpu_choices.h) on a
// stand-in probe (no GPU here): its entries, when it is shown, a choice
// persisting as gpu/device and reaching the next load's LoadOptions and the
// device select_gpu resolves there, and a saved device that is absent now.
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>
#include <memory>

#include "core/app_settings.h"
#include "core/gpu_choices.h"
#include "hearth/model.h"
#include "models_controller.h"
#include "models_test_hub.h"

using namespace Hearth;

namespace {

hearth::GpuProbe probeOf(const std::vector<std::string> & names) {
    hearth::GpuProbe probe;
    probe.built_with_cuda = true;
    for (const std::string & name : names) {
        hearth::GpuDevice d;
        d.index = int(probe.devices.size());
        d.name = name;
        d.vram_total = size_t(24) << 30;
        d.vram_free = size_t(20) << 30;
        probe.devices.push_back(d);
    }
    if (names.empty()) probe.reason = "no CUDA device was found.";
    return probe;
}

QStringList column(const QVariantList & items, const char * key) {
    QStringList out;
    for (const QVariant & v : items) out << v.toMap().value(QLatin1String(key)).toString();
    return out;
}

// The device the next load would use: what applyModelLoadSettings puts in
// LoadOptions, resolved the way the evaluator resolves it.
int loadDevice(const hearth::GpuProbe & probe, QString * stored) {
    hearth::LoadOptions lo;
    applyModelLoadSettings(QStringLiteral("/nowhere/model.gguf"), lo);
    *stored = QString::fromStdString(lo.gpu_device);
    std::string why;
    const hearth::GpuDevice * d = hearth::select_gpu(probe, lo.gpu_device, why);
    return d ? d->index : -1;
}

}  // namespace

class TestGpuPicker : public QObject {
    Q_OBJECT
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<ModelsController> m_c;

private slots:
    void init() {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        qputenv("HEARTH_DATA_DIR", m_dir->path().toUtf8());
        m_c = std::make_unique<ModelsController>();
        m_c->setBudget(models_test::budget());  // no real probe from the scans
    }
    void cleanup() {
        m_c.reset();
        qunsetenv("HEARTH_DATA_DIR");
    }

    // Before a probe has landed nothing is known: Automatic only, hidden.
    void hiddenUntilProbed() {
        AppSettings().setGpuDevice(QStringLiteral("NVIDIA RTX A6000"));
        ModelsController fresh;
        QCOMPARE(column(fresh.gpuChoiceItems(), "text"), QStringList{QStringLiteral("Automatic")});
        QCOMPARE(fresh.gpuChoiceIndex(), 0);
        QVERIFY(!fresh.gpuPickerShown());
    }

    void twoDevicesListedAndChosen() {
        const hearth::GpuProbe probe = probeOf({"NVIDIA GeForce RTX 3090", "NVIDIA RTX A6000"});
        QSignalSpy changed(m_c.get(), &ModelsController::gpuChoicesChanged);
        m_c->setGpuProbe(probe);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(column(m_c->gpuChoiceItems(), "text"),
                 (QStringList{QStringLiteral("Automatic"), QStringLiteral("0 · NVIDIA GeForce RTX 3090 · 24.0 GiB"),
                              QStringLiteral("1 · NVIDIA RTX A6000 · 24.0 GiB")}));
        QCOMPARE(
            column(m_c->gpuChoiceItems(), "value"),
            (QStringList{QString(), QStringLiteral("NVIDIA GeForce RTX 3090"), QStringLiteral("NVIDIA RTX A6000")}));
        QVERIFY(m_c->gpuPickerShown());
        QCOMPARE(m_c->gpuChoiceIndex(), 0);
        QString stored;
        QCOMPARE(loadDevice(probe, &stored), 0);  // automatic: the first device
        QCOMPARE(stored, QString());

        // Choosing the second card, as the combo box does with its entry's value.
        const QString a6000 = column(m_c->gpuChoiceItems(), "value")[2];
        m_c->setGpuDevice(a6000);
        QCOMPARE(changed.size(), 2);
        QCOMPARE(m_c->gpuChoiceIndex(), 2);
        QCOMPARE(AppSettings().gpuDevice(), a6000);  // persisted as gpu/device
        QCOMPARE(loadDevice(probe, &stored), 1);
        QCOMPARE(stored, a6000);

        // A new controller (the app restarted) shows the saved choice once probed.
        ModelsController next;
        next.setGpuProbe(probe);
        QCOMPARE(next.gpuChoiceIndex(), 2);

        // Back to Automatic clears the setting.
        m_c->setGpuDevice(QString());
        QCOMPARE(m_c->gpuChoiceIndex(), 0);
        QCOMPARE(loadDevice(probe, &stored), 0);
        QCOMPARE(stored, QString());
    }

    // Names that do not single out their card are stored as indexes.
    void ambiguousNamesStoreTheIndex() {
        const hearth::GpuProbe twins = probeOf({"NVIDIA GeForce RTX 3090", "NVIDIA GeForce RTX 3090"});
        QCOMPARE(column(gpuChoices(twins, true, QString()).items, "value"),
                 (QStringList{QString(), QStringLiteral("0"), QStringLiteral("1")}));
        // "RTX 3090" is part of "RTX 3090 Ti", which comes first.
        const hearth::GpuProbe ti = probeOf({"NVIDIA GeForce RTX 3090 Ti", "NVIDIA GeForce RTX 3090"});
        QCOMPARE(column(gpuChoices(ti, true, QString()).items, "value"),
                 (QStringList{QString(), QStringLiteral("NVIDIA GeForce RTX 3090 Ti"), QStringLiteral("1")}));
        // ... and the other way round: the 3090's name matches the Ti too.
        const hearth::GpuProbe ti2 = probeOf({"NVIDIA GeForce RTX 3090", "NVIDIA GeForce RTX 3090 Ti"});
        QCOMPARE(column(gpuChoices(ti2, true, QString()).items, "value"),
                 (QStringList{QString(), QStringLiteral("0"), QStringLiteral("NVIDIA GeForce RTX 3090 Ti")}));
        m_c->setGpuProbe(twins);
        m_c->setGpuDevice(QStringLiteral("1"));
        QCOMPARE(m_c->gpuChoiceIndex(), 2);
        QString stored;
        QCOMPARE(loadDevice(twins, &stored), 1);
    }

    // A saved device that is gone is shown as its own entry, even on a
    // machine with one GPU or none, so the user sees why the load falls back.
    void absentDeviceIsShown() {
        AppSettings().setGpuDevice(QStringLiteral("NVIDIA RTX A6000"));
        for (const auto & names : {std::vector<std::string>{}, std::vector<std::string>{"NVIDIA GeForce RTX 3090"},
                                   std::vector<std::string>{"NVIDIA GeForce RTX 3090", "NVIDIA GeForce RTX 4090"}}) {
            const hearth::GpuProbe probe = probeOf(names);
            m_c->setGpuProbe(probe);
            const QStringList texts = column(m_c->gpuChoiceItems(), "text");
            QCOMPARE(texts.size(), int(names.size()) + 2);
            QCOMPARE(texts.last(), QStringLiteral("NVIDIA RTX A6000 (not found)"));
            QCOMPARE(column(m_c->gpuChoiceItems(), "value").last(), QStringLiteral("NVIDIA RTX A6000"));
            QCOMPARE(m_c->gpuChoiceIndex(), texts.size() - 1);
            QVERIFY(m_c->gpuPickerShown());
            QString stored;
            QCOMPARE(loadDevice(probe, &stored), -1);  // no GPU matches: the load says so and runs on the CPU
        }
        // One GPU and a choice that names it: nothing to pick.
        m_c->setGpuProbe(probeOf({"NVIDIA RTX A6000"}));
        QCOMPARE(m_c->gpuChoiceIndex(), 1);
        QVERIFY(!m_c->gpuPickerShown());
        // Choosing a listed entry drops the absent one.
        m_c->setGpuProbe(probeOf({"NVIDIA GeForce RTX 3090", "NVIDIA GeForce RTX 4090"}));
        m_c->setGpuDevice(QStringLiteral("NVIDIA GeForce RTX 4090"));
        QCOMPARE(m_c->gpuChoiceItems().size(), 3);
        QCOMPARE(m_c->gpuChoiceIndex(), 2);
    }
};

QTEST_MAIN(TestGpuPicker)
#include "test_gpu_picker.moc"
