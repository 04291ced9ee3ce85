// ModelsPage in a window under Xvfb, fed by the mock Hub: checks what the
// page shows (cards, results, files, a download's progress bar) and saves
// screenshots to test-output/:
//   models_01_library          local models with details and fit badges
//   models_02_browse           search results, a repo's files, a download in progress
//   models_03_delete_confirm   the confirmation before a delete
//   models_04_library_dark     the library in the dark theme (a plan panel open)
//   models_05_settings         the settings dialog: masked token, two folders
//   models_06_plan             a model's load settings and its placement plan
//   models_07_gpu_picker       the settings' GPU picker open on two stand-in GPUs
//   models_08_gpu_absent       the picker with a saved GPU that is gone
#include <QDir>
#include <QFile>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQmlComponent>
#include <QQmlContext>
#include <QQmlExpression>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QTemporaryDir>
#include <QtQml/QQmlExtensionPlugin>
#include <QtTest>
#include <memory>

#include "chat_model_controller.h"
#include "core/app_settings.h"
#include "models_controller.h"
#include "models_test_hub.h"
#include "server_controller.h"

Q_IMPORT_QML_PLUGIN(HearthPlugin)

using namespace Hearth;

namespace {

constexpr int kTimeoutMs = 20000;

const char * kWindowQml = R"QML(
import QtQuick
import QtQuick.Controls
import Hearth
ApplicationWindow {
    width: 1180
    height: 780
    visible: true
    color: Theme.background
    font.family: Theme.fontFamily
    // The app makes the controller in C++ (AppContext); the page alone gets its own.
    ModelsPage {
        objectName: "page"
        anchors.fill: parent
        controller: ModelsController { Component.onCompleted: loadSettings() }
    }
}
)QML";

bool sameColor(const QColor & a, const QColor & b, int tol = 24) {
    return qAbs(a.red() - b.red()) < tol && qAbs(a.green() - b.green()) < tol && qAbs(a.blue() - b.blue()) < tol;
}

int pixelsNear(const QImage & img, const QColor & c) {
    int n = 0;
    for (int y = 0; y < img.height(); y += 2)
        for (int x = 0; x < img.width(); x += 2) n += sameColor(QColor(img.pixel(x, y)), c) ? 1 : 0;
    return n;
}

// ListView delegates are visual children only, so findChild() misses them.
QQuickItem * findItem(QQuickItem * root, const QString & name) {
    if (!root) return nullptr;
    if (root->objectName() == name) return root;
    for (QQuickItem * child : root->childItems())
        if (QQuickItem * hit = findItem(child, name)) return hit;
    return nullptr;
}

}  // namespace

class TestModelsPage : public QObject {
    Q_OBJECT
    QTemporaryDir m_data;
    std::unique_ptr<mockhub::MockHub> m_hub;
    std::unique_ptr<QQmlApplicationEngine> m_engine;
    QQuickWindow * m_window = nullptr;
    QQuickItem * m_page = nullptr;
    ModelsController * m_c = nullptr;

    QImage shot(const QString & name) {
        QTest::qWait(300);  // let animations and the scene graph settle
        const QImage img = m_window->grabWindow();
        const QString path =
            QDir(QString::fromStdString(hearth_test::output_dir())).filePath(name + QStringLiteral(".png"));
        if (!img.save(path)) qWarning("could not save %s", qPrintable(path));
        return img;
    }

private slots:
    void initTestCase() {
        QVERIFY(m_data.isValid());
        qputenv("HEARTH_DATA_DIR", m_data.path().toUtf8());
        m_hub = std::make_unique<mockhub::MockHub>();
        models_test::populate(*m_hub);
        qputenv("HF_ENDPOINT", QByteArray::fromStdString(m_hub->hubUrl()));
        qunsetenv("HF_TOKEN");

        // The library: the real model, two synthetic ones and a broken file.
        const QString dir = QDir(m_data.path()).filePath(QStringLiteral("models"));
        QVERIFY(QDir().mkpath(dir));
        QVERIFY(QFile::copy(QString::fromStdString(hearth_test::fixture("models/stories260K.gguf")),
                            dir + QStringLiteral("/stories260K.gguf")));
        QVERIFY(QFile::copy(QString::fromStdString(hearth_test::fixture("models/synthetic/llama-IQ4_XS.gguf")),
                            dir + QStringLiteral("/synthetic-llama-IQ4_XS.gguf")));
        QVERIFY(QFile::copy(QString::fromStdString(hearth_test::fixture("models/synthetic/llama-F16.gguf")),
                            dir + QStringLiteral("/synthetic-llama-F16.gguf")));
        QFile broken(dir + QStringLiteral("/half-downloaded.gguf"));
        QVERIFY(broken.open(QIODevice::WriteOnly));
        broken.write("GGUF\x03\x00\x00\x00truncated", 17);
        broken.close();

        QQuickStyle::setStyle(QStringLiteral("Basic"));
        m_engine = std::make_unique<QQmlApplicationEngine>();
        // Qt 6.4 does not yet search the module resource prefix; without it "import Hearth"
        // sees only the C++ types, not the QML files in the module's subfolders.
        m_engine->addImportPath(QStringLiteral("qrc:/qt/qml"));
        {  // a broken page shows its real errors here, not just "not a type"
            for (const char * file :
                 {"Models/BrowseTab.qml", "Models/LibraryTab.qml", "Models/ModelsSettingsDialog.qml",
                  "Models/ModelPlanPanel.qml", "Models/ModelsPage.qml"}) {
                QQmlComponent c(m_engine.get(), QUrl(QStringLiteral("qrc:/qt/qml/Hearth/") + QLatin1String(file)));
                QVERIFY2(!c.isError(), qPrintable(c.errorString()));
            }
        }
        m_engine->loadData(kWindowQml, QUrl(QStringLiteral("qrc:/qt/qml/Hearth/ModelsTestWindow.qml")));
        QCOMPARE(m_engine->rootObjects().size(), 1);
        m_window = qobject_cast<QQuickWindow *>(m_engine->rootObjects().first());
        QVERIFY(m_window);
        QVERIFY(QTest::qWaitForWindowExposed(m_window));
        m_page = m_window->findChild<QQuickItem *>(QStringLiteral("page"));
        QVERIFY(m_page);
        m_c = m_page->property("controller").value<ModelsController *>();
        QVERIFY(m_c);
        m_c->setBudget(models_test::budget());
        m_c->setRemotePlanFetchBytes(16 * 1024);  // the CDN is throttled below: read headers in small steps
        QTRY_VERIFY_WITH_TIMEOUT(m_c->library()->rowCount() == 4 && !m_c->scanning(), kTimeoutMs);
    }

    // The QML compares typed states, not words: each enum resolves in the module.
    void stateEnumsInQml() {
        const auto eval = [this](const char * expr) {
            QQmlExpression e(qmlContext(m_page), m_page, QString::fromLatin1(expr));
            const QVariant v = e.evaluate();
            if (e.hasError()) qWarning() << e.error().toString();
            return v;
        };
        QCOMPARE(eval("Download.Paused").toInt(), int(DownloadState::Paused));
        QCOMPARE(eval("Download.Running").toInt(), int(DownloadState::Running));
        QCOMPARE(eval("Message.Assistant").toInt(), int(MessageRole::Assistant));
        QCOMPARE(eval("Message.Interrupted").toInt(), int(MessageState::Interrupted));
        QCOMPARE(eval("ChatModelController.Ready").toInt(), int(ChatModelController::Ready));
        QCOMPARE(eval("ServerController.Error").toInt(), int(ServerController::Error));
    }

    void libraryTab() {
        const QImage img = shot(QStringLiteral("models_01_library"));
        // Four cards and the green "Fits GPU" chips are on screen.
        QVERIFY(pixelsNear(img, QColor("#2f8a4d")) > 10);
        QVERIFY(pixelsNear(img, QColor("#c8423b")) + pixelsNear(img, QColor("#f07171")) > 50);  // error text, Delete
    }

    void browseTab() {
        m_page->setProperty("currentTab", 1);
        m_hub->setBytesPerSecond(150000);
        QObject * field = m_page->findChild<QObject *>(QStringLiteral("hubSearchField"));
        QVERIFY(field);
        field->setProperty("text", QStringLiteral("hearth-test"));
        QVERIFY(QMetaObject::invokeMethod(field, "accepted"));  // what Enter does
        QTRY_VERIFY_WITH_TIMEOUT(!m_c->searching() && m_c->searchResults()->rowCount() == 2, kTimeoutMs);
        m_c->openRepo(QString::fromStdString(models_test::kStoriesRepo));
        QTRY_VERIFY_WITH_TIMEOUT(!m_c->loadingFiles() && m_c->repoFiles()->rowCount() == 2, kTimeoutMs);
        int f32 = -1;
        for (int i = 0; i < 2; ++i)
            if (m_c->repoFiles()->fileAt(i).quant == QStringLiteral("F32")) f32 = i;
        QVERIFY(m_c->download(f32) > 0);
        DownloadListModel & d = *m_c->downloads();
        const int progressRole = d.roleNames().key("progress");
        QTRY_VERIFY_WITH_TIMEOUT(d.data(d.index(0), progressRole).toDouble() > 0.02, kTimeoutMs);
        // The repo view's badges come from the planner once the headers are read.
        const int plannedRole = m_c->repoFiles()->roleNames().key("planned");
        QTRY_VERIFY_WITH_TIMEOUT(m_c->repoFiles()->data(m_c->repoFiles()->index(1 - f32), plannedRole).toBool(),
                                 kTimeoutMs);
        QObject * sortBox = m_page->findChild<QObject *>(QStringLiteral("hubSortBox"));
        QVERIFY(sortBox);
        QCOMPARE(sortBox->property("currentValue").toString(), QStringLiteral("downloads"));
        const QImage img = shot(QStringLiteral("models_02_browse"));
        QVERIFY(pixelsNear(img, QColor("#e8743b")) > 100);  // Download buttons and the progress bar
        d.cancel(0);
        m_c->setSearchSort(QStringLiteral("trendingScore"));
        QCOMPARE(sortBox->property("currentValue").toString(), QStringLiteral("trendingScore"));
        QTRY_VERIFY_WITH_TIMEOUT(!m_c->searching(), kTimeoutMs);
        const int repoRole = m_c->searchResults()->roleNames().key("repoId");
        QCOMPARE(m_c->searchResults()->data(m_c->searchResults()->index(0), repoRole).toString(),
                 QStringLiteral("hearth-test/big-70B-GGUF"));
        m_c->setSearchSort(QStringLiteral("downloads"));
        QTRY_VERIFY_WITH_TIMEOUT(!m_c->searching(), kTimeoutMs);
    }

    void deleteAsksFirst() {
        m_page->setProperty("currentTab", 0);
        QVERIFY(QMetaObject::invokeMethod(m_page->findChild<QObject *>(QStringLiteral("confirmDelete")), "ask",
                                          Q_ARG(QVariant, 0), Q_ARG(QVariant, QStringLiteral("half-downloaded"))));
        shot(QStringLiteral("models_03_delete_confirm"));
        QCOMPARE(m_c->library()->rowCount(), 4);  // nothing deleted before the user confirms
        QMetaObject::invokeMethod(m_page->findChild<QObject *>(QStringLiteral("confirmDelete")), "reject");
    }

    void settingsDialog() {
        const QString secret = QStringLiteral("hf_pageSecret9876");
        m_c->setHfToken(secret);
        QTemporaryDir extra;
        QVERIFY(m_c->addModelDir(extra.path()));
        QObject * dialog = m_page->findChild<QObject *>(QStringLiteral("modelsSettingsDialog"));
        QVERIFY(dialog);
        QVERIFY(QMetaObject::invokeMethod(dialog, "open"));
        QTRY_VERIFY(dialog->property("opened").toBool());
        QObject * state = m_window->findChild<QObject *>(QStringLiteral("tokenState"));
        QVERIFY(state);
        const QString shown = state->property("text").toString();
        QVERIFY2(shown == m_c->maskedToken() && !shown.contains(secret), qPrintable(shown));
        QVERIFY(shown.startsWith(QStringLiteral("hf_p")));
        QObject * field = m_window->findChild<QObject *>(QStringLiteral("tokenField"));
        QVERIFY(field);
        QCOMPARE(field->property("echoMode").toInt(), 2);  // TextInput.Password
        const QImage img = shot(QStringLiteral("models_05_settings"));
        QVERIFY(pixelsNear(img, QColor("#e8743b")) > 50);  // Save token / Done
        QVERIFY(QMetaObject::invokeMethod(dialog, "close"));
        QVERIFY(m_c->removeModelDir(extra.path()));
        m_c->clearHfToken();
        QTRY_VERIFY_WITH_TIMEOUT(m_c->library()->rowCount() == 4 && !m_c->scanning(), kTimeoutMs);
    }

    // The settings' GPU picker on a stand-in probe of two GPUs: its entries,
    // choosing one through the combo box stores gpu/device, and a saved GPU
    // that is gone shows as "(not found)".
    void gpuPickerInSettings() {
        hearth::GpuProbe probe;
        probe.built_with_cuda = true;
        for (const char * name : {"NVIDIA GeForce RTX 3090", "NVIDIA RTX A6000"}) {
            hearth::GpuDevice d;
            d.index = int(probe.devices.size());
            d.name = name;
            d.vram_total = d.vram_free = size_t(24) << 30;
            probe.devices.push_back(d);
        }
        m_c->setGpuProbe(probe);
        QObject * dialog = m_page->findChild<QObject *>(QStringLiteral("modelsSettingsDialog"));
        QVERIFY(dialog);
        QVERIFY(QMetaObject::invokeMethod(dialog, "open"));
        QTRY_VERIFY(dialog->property("opened").toBool());
        QQuickItem * box = m_window->findChild<QQuickItem *>(QStringLiteral("gpuDeviceBox"));
        QVERIFY(box);
        QVERIFY(box->isVisible());
        QCOMPARE(box->property("count").toInt(), 3);
        QCOMPARE(box->property("displayText").toString(), QStringLiteral("Automatic"));
        // The user picks the A6000: the combo box's own activation path.
        box->setProperty("currentIndex", 2);
        QVERIFY(QMetaObject::invokeMethod(box, "activated", Q_ARG(int, 2)));
        QCOMPARE(AppSettings().gpuDevice(), QStringLiteral("NVIDIA RTX A6000"));
        QCOMPARE(m_c->gpuChoiceIndex(), 2);
        QCOMPARE(box->property("displayText").toString(), QStringLiteral("1 · NVIDIA RTX A6000 · 24.0 GiB"));
        QObject * popup = box->property("popup").value<QObject *>();
        QVERIFY(popup && QMetaObject::invokeMethod(popup, "open"));
        QTRY_VERIFY(popup->property("opened").toBool());
        const QImage img = shot(QStringLiteral("models_07_gpu_picker"));
        QVERIFY(pixelsNear(img, QColor("#e8743b")) > 50);  // the chosen entry, Save token / Done
        QVERIFY(QMetaObject::invokeMethod(popup, "close"));

        // A choice made elsewhere (another page's controller, a restart) moves the box too.
        m_c->setGpuDevice(QStringLiteral("NVIDIA GeForce RTX 3090"));
        QCOMPARE(box->property("currentIndex").toInt(), 1);
        QCOMPARE(box->property("displayText").toString(), QStringLiteral("0 · NVIDIA GeForce RTX 3090 · 24.0 GiB"));

        // The 3090 is gone on the next probe: the picker says so and stays visible.
        probe.devices.erase(probe.devices.begin());
        m_c->setGpuProbe(probe);
        QVERIFY(box->isVisible());
        QCOMPARE(box->property("count").toInt(), 3);
        QCOMPARE(box->property("currentIndex").toInt(), 2);
        QCOMPARE(box->property("displayText").toString(), QStringLiteral("NVIDIA GeForce RTX 3090 (not found)"));
        shot(QStringLiteral("models_08_gpu_absent"));

        // Automatic on one GPU: nothing to pick, the section hides.
        QCOMPARE(AppSettings().gpuDevice(), QStringLiteral("NVIDIA GeForce RTX 3090"));  // kept until changed
        m_c->setGpuDevice(QString());
        QVERIFY(!box->isVisible());
        QVERIFY(AppSettings().gpuDevice().isEmpty());
        QVERIFY(QMetaObject::invokeMethod(dialog, "close"));
        m_c->setGpuProbe(hearth::GpuProbe{});
    }

    void loadSettingsPlan() {
        m_page->setProperty("currentTab", 0);
        QQuickItem * card = nullptr;
        QTRY_VERIFY((card = findItem(m_page, QStringLiteral("libraryCard_stories260K"))));
        card->setProperty("expanded", true);
        QQuickItem * panel = nullptr;
        QTRY_VERIFY((panel = findItem(card, QStringLiteral("modelPlanPanel"))));
        QVariantMap plan = panel->property("plan").toMap();
        QVERIFY2(plan.value(QStringLiteral("ok")).toBool(), qPrintable(plan.value(QStringLiteral("error")).toString()));
        QVERIFY(plan.value(QStringLiteral("fullOffload")).toBool());
        QObject * summary = findItem(panel, QStringLiteral("planSummary"));
        QVERIFY(summary);
        QCOMPARE(summary->property("text").toString(), plan.value(QStringLiteral("summary")).toString());
        // A setting changes what the panel shows, through the controller.
        const QString path = card->property("path").toString();
        m_c->setModelGpuLayers(path, QStringLiteral("3"));
        m_c->setModelKvType(path, QStringLiteral("q8_0"));
        plan = panel->property("plan").toMap();
        QCOMPARE(plan.value(QStringLiteral("nGpuLayers")).toInt(), 3);
        QCOMPARE(plan.value(QStringLiteral("kvType")).toString(), QStringLiteral("q8_0"));
        QVERIFY(summary->property("text").toString().startsWith(QStringLiteral("3 of ")));
        QCOMPARE(findItem(panel, QStringLiteral("planGpuLayersBox"))->property("currentText").toString(),
                 QStringLiteral("3"));
        const QImage img = shot(QStringLiteral("models_06_plan"));
        QVERIFY(pixelsNear(img, QColor("#e8743b")) > 50);  // Chat buttons, GPU layer cells, the q8_0 chip
        m_c->setModelGpuLayers(path, QStringLiteral("auto"));
        m_c->setModelKvType(path, QStringLiteral("f16"));
    }

    void darkTheme() {
        QQmlExpression dark(qmlContext(m_page), m_page, QStringLiteral("Theme.forced = 'dark'"));
        dark.evaluate();
        QVERIFY(!dark.hasError());
        const QImage img = shot(QStringLiteral("models_04_library_dark"));
        QVERIFY(QColor(img.pixel(5, 5)).lightness() < 60);
        QQmlExpression(qmlContext(m_page), m_page, QStringLiteral("Theme.forced = ''")).evaluate();
    }

    void cleanupTestCase() {
        m_engine.reset();
        m_hub.reset();
    }
};

QTEST_MAIN(TestModelsPage)
#include "test_models_page.moc"
