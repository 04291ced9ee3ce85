// The real app's QML under Xvfb for the everyday model and settings flows,
// with a library folder of fixture models (symlinked, never copied) and a
// temporary data directory. Screenshots in test-output/:
//   (no shot)              a failed load before any model worked: the error state, nothing remembered
//   e01_picker             the top bar's picker: the library's models with quant, size and fit badge
//   e02_picker_current     after one click on a model: it loaded and is marked in the picker
//   e03_failed_load_kept   a broken file's load failed: the old model still answers, the chat says why
//   e04_presets            the settings drawer with a preset chosen and one saved
//   e05_thinking_off       the thinking switch turned off in the drawer
//   e06_theme_dark         the in-app theme switch set to Dark
//   e08_browse_suggestions "Download a model…": Browse with picks that fit this machine (dark)
//   e07_restart_restored   a restart: the last model loads again, no welcome screen, the theme kept
#include <QDir>
#include <QFile>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QTemporaryDir>
#include <QtQml/QQmlExtensionPlugin>
#include <QtTest>

#include "chat_controller.h"
#include "common/fixtures.h"
#include "core/app_settings.h"
#include "window_test_util.h"

Q_IMPORT_QML_PLUGIN(HearthPlugin)

using namespace Hearth;

namespace {

constexpr int kTimeoutMs = 60000;
using gui_test::findItem;
using gui_test::meanLightness;

}  // namespace

class TestEverydayWindow : public QObject {
    Q_OBJECT
    QTemporaryDir m_data;
    QString m_models;  // the library folder
    QString m_stories;
    QString m_broken;
    std::unique_ptr<QQmlApplicationEngine> m_engine;
    QQuickWindow * m_window = nullptr;
    ChatController * m_chat = nullptr;
    ChatModelController * m_chatModel = nullptr;    // which model answers (App.chatModel)
    ChatSettingsController * m_settings = nullptr;  // the open chat's settings (App.chatSettings)

    void startApp() {
        m_window = gui_test::loadMainWindow(m_engine);
        QVERIFY(m_window);
        m_chat = gui_test::chatOf(m_window);
        QVERIFY(m_chat);
        m_chatModel = gui_test::chatModelOf(m_window);
        QVERIFY(m_chatModel);
        m_settings = gui_test::chatSettingsOf(m_window);
        QVERIFY(m_settings);
    }

    QImage shoot(const QString & name) {
        QTest::qWait(200);  // animations and layout settle
        return gui_test::saveShot(m_window, name);
    }

    // Popups live under the window's overlay, which is part of the content item's tree.
    QQuickItem * item(const QString & name) {
        QQuickItem * i = findItem(m_window->contentItem(), name, true);
        return i ? i : findItem(m_window->contentItem(), name, false);
    }
    bool shown(const QString & name) {
        QQuickItem * i = item(name);
        return i && i->isVisible();
    }
    void click(const QString & name) {
        QQuickItem * i = item(name);
        QVERIFY2(i, qPrintable(QStringLiteral("no item named ") + name));
        QTest::mouseClick(m_window, Qt::LeftButton, {}, i->mapToScene(i->boundingRect().center()).toPoint());
    }
    // Scrolls the Flickable (a ScrollView's) that holds `i` so that it is in view.
    static void scrollIntoView(QQuickItem * i) {
        for (QQuickItem * p = i->parentItem(); p; p = p->parentItem()) {
            if (!p->property("contentY").isValid() || !p->property("contentHeight").isValid()) continue;
            const qreal y = i->mapToItem(p->property("contentItem").value<QQuickItem *>(), QPointF(0, 0)).y();
            const qreal maxY = qMax<qreal>(0, p->property("contentHeight").toReal() - p->height());
            p->setProperty("contentY", qBound<qreal>(0, y - 40, maxY));
            return;
        }
    }
    QObject * library() {
        QObject * page = m_window->findChild<QObject *>(QStringLiteral("modelsPage"));
        QObject * controller = page ? page->property("controller").value<QObject *>() : nullptr;
        return controller ? controller->property("library").value<QObject *>() : nullptr;
    }

private slots:
    void initTestCase() {
        QVERIFY(m_data.isValid());
        gui_test::useDataDir(m_data);
        m_models = m_data.filePath(QStringLiteral("models"));
        QVERIFY(QDir().mkpath(m_models));
        m_stories = QDir(m_models).filePath(QStringLiteral("stories260K.gguf"));
        QVERIFY(QFile::link(QString::fromStdString(HEARTH_FIXTURE("models/stories260K.gguf")), m_stories));
        for (const char * name : {"qwen3-Q4_K_M.gguf", "llama-Q8_0.gguf"})
            QVERIFY(QFile::link(QString::fromStdString(HEARTH_FIXTURE(std::string("models/synthetic/") + name)),
                                QDir(m_models).filePath(QLatin1String(name))));
        // Not in the library: a file that is not a model at all.
        m_broken = m_data.filePath(QStringLiteral("broken.gguf"));
        QFile f(m_broken);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("this is not a GGUF file, just some text that ends too soon");
        f.close();
        AppSettings().setModelDirs({m_models});
        startApp();
    }

    // Before any model worked, a failed load has nothing to fall back to: the error state.
    void failedLoadWithoutAWorkingModel() {
        QCOMPARE(m_chatModel->modelState(), ChatModelController::NoModel);  // a first start: nothing to restore
        m_chatModel->loadModel(m_broken);
        QTRY_COMPARE_WITH_TIMEOUT(m_chatModel->modelState(), ChatModelController::Error, kTimeoutMs);
        QVERIFY(m_chatModel->loadNotice().startsWith(QStringLiteral("Could not load broken.gguf.")));
        QVERIFY(!m_chatModel->loadNotice().contains(QStringLiteral("Still chatting")));
        QTRY_VERIFY(shown(QStringLiteral("loadErrorCard")));
        QVERIFY(!shown(QStringLiteral("loadNotice")));  // the card says it; not twice
        QCOMPARE(AppSettings().lastModel(), QString());
    }

    void pickerListsModelsAndSwitchesInOneClick() {
        QObject * lib = library();
        QVERIFY(lib);
        QTRY_COMPARE_WITH_TIMEOUT(lib->property("count").toInt(), 3, kTimeoutMs);
        click(QStringLiteral("modelPicker"));
        QObject * popup = m_window->findChild<QObject *>(QStringLiteral("modelPickerPopup"));
        QVERIFY(popup);
        QTRY_VERIFY(popup->property("opened").toBool());
        QTRY_VERIFY(shown(QStringLiteral("pickerRow_stories260K")));
        QVERIFY(shown(QStringLiteral("pickerRow_qwen3-Q4_K_M")));
        QVERIFY(shown(QStringLiteral("pickerRow_llama-Q8_0")));
        QVERIFY(shown(QStringLiteral("pickerAction_download")));
        const QImage shot = shoot(QStringLiteral("e01_picker"));
        QVERIFY(!shot.isNull());

        click(QStringLiteral("pickerRow_stories260K"));  // one click: the popup closes and the model loads
        QTRY_VERIFY(!popup->property("visible").toBool());
        QTRY_COMPARE_WITH_TIMEOUT(m_chatModel->modelState(), ChatModelController::Ready, kTimeoutMs);
        QCOMPARE(m_chatModel->modelPath(), m_stories);
        QCOMPARE(AppSettings().lastModel(), QDir::cleanPath(m_stories));
        click(QStringLiteral("modelPicker"));
        QTRY_VERIFY(popup->property("opened").toBool());
        QQuickItem * row = item(QStringLiteral("pickerRow_stories260K"));
        QVERIFY(row && row->property("current").toBool());
        QVERIFY(!item(QStringLiteral("pickerRow_llama-Q8_0"))->property("current").toBool());
        shoot(QStringLiteral("e02_picker_current"));
        QMetaObject::invokeMethod(popup, "close");
        QTRY_VERIFY(!popup->property("visible").toBool());
    }

    void failedLoadKeepsTheWorkingModel() {
        QVERIFY(m_chatModel->loadNotice().isEmpty());
        QVERIFY(!shown(QStringLiteral("loadNotice")));
        m_chatModel->loadModel(m_broken);
        QTRY_VERIFY_WITH_TIMEOUT(!m_chatModel->loadNotice().isEmpty(), kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(m_chatModel->modelState(), ChatModelController::Ready, kTimeoutMs);
        QCOMPARE(m_chatModel->modelPath(), m_stories);  // the one that worked, loaded again
        QVERIFY(m_chatModel->loadNotice().startsWith(QStringLiteral("Could not load broken.gguf.")));
        QVERIFY(m_chatModel->loadNotice().endsWith(QStringLiteral("Still chatting with stories260K.")));
        QCOMPARE(AppSettings().lastModel(), QDir::cleanPath(m_stories));  // a failure is never remembered
        // It still answers, and the chat shows why the other model is not there.
        m_settings->setSetting(QStringLiteral("maxTokens"), 40);
        QVERIFY(m_chat->send(QStringLiteral("Once upon a time")));
        QTRY_COMPARE_WITH_TIMEOUT(m_chat->completedReplies(), 1, kTimeoutMs);
        QTRY_VERIFY(shown(QStringLiteral("loadNotice")));
        QCOMPARE(item(QStringLiteral("loadNoticeText"))->property("text").toString(), m_chatModel->loadNotice());
        QTest::mouseMove(m_window, QPoint(600, 500));  // no picker tooltip over the shot
        shoot(QStringLiteral("e03_failed_load_kept"));
        click(QStringLiteral("dismissLoadNotice"));
        QTRY_VERIFY(m_chatModel->loadNotice().isEmpty());
        QTRY_VERIFY(!shown(QStringLiteral("loadNotice")));
    }

    void presetsAndDefaults() {
        m_chat->newChat();
        // The app's defaults (none saved yet: the plain ones), not the last chat's 40.
        QCOMPARE(m_settings->settings().value("maxTokens").toInt(), GenerationSettings{}.maxTokens);
        QCOMPARE(m_settings->activePreset(), QStringLiteral("Balanced"));
        QObject * drawer = gui_test::openPopup(m_window, QStringLiteral("settingsDrawer"));
        QVERIFY(drawer);
        QTRY_COMPARE(drawer->property("position").toDouble(), 1.0);
        QVERIFY(m_settings->applyPreset(QStringLiteral("Creative")));
        QQuickItem * box = item(QStringLiteral("presetBox"));
        QVERIFY(box);
        QTRY_COMPARE(box->property("currentText").toString(), QStringLiteral("Creative"));
        // Save it under a name typed into the field.
        QQuickItem * name = item(QStringLiteral("presetNameField"));
        QVERIFY(name);
        name->forceActiveFocus();
        for (QChar c : QStringLiteral("Stories")) QTest::keyClick(m_window, c.toLatin1());
        click(QStringLiteral("savePresetButton"));
        QTRY_VERIFY(m_settings->presetNames().contains(QStringLiteral("Stories")));
        QVERIFY(AppSettings().preset(QStringLiteral("Stories")));
        QTRY_COMPARE(name->property("text").toString(), QString());
        shoot(QStringLiteral("e04_presets"));

        // The defaults button: a new chat starts from these settings.
        m_settings->setSetting(QStringLiteral("maxTokens"), 321);
        click(QStringLiteral("saveDefaultsButton"));
        QCOMPARE(AppSettings().chatDefaults().maxTokens, 321);
        m_chat->newChat();
        QCOMPARE(m_settings->settings().value("maxTokens").toInt(), 321);
        QCOMPARE(m_settings->settings().value("temperature").toDouble(), 1.1);  // Creative's
    }

    void thinkingSwitch() {
        QVERIFY(m_settings->settings().value("thinking").toBool());
        QQuickItem * sw = item(QStringLiteral("thinkingSwitch"));
        QVERIFY(sw);
        QVERIFY(sw->property("checked").toBool());
        click(QStringLiteral("thinkingSwitch"));
        QTRY_VERIFY(!m_settings->settings().value("thinking").toBool());
        QVERIFY(!sw->property("checked").toBool());
        shoot(QStringLiteral("e05_thinking_off"));
        // A chat keeps its switch: sent with it off, reopened later with it off.
        QVERIFY(m_chat->send(QStringLiteral("The dragon")));
        QTRY_COMPARE_WITH_TIMEOUT(m_chat->completedReplies(), 2, kTimeoutMs);
        const qint64 id = m_chat->currentConversationId();
        m_chat->newChat();
        QVERIFY(m_settings->settings().value("thinking").toBool());  // the defaults have it on
        m_chat->setCurrentConversationId(id);
        QTRY_VERIFY(!m_settings->settings().value("thinking").toBool());  // the chat's row, read on the store thread
        QTRY_VERIFY(!sw->property("checked").toBool());
    }

    void themeSwitch() {
        const int light = meanLightness(m_window->grabWindow());
        QCOMPARE(m_window->property("themeMode").toString(), QString());  // follows the system
        QVERIFY(shown(QStringLiteral("themeOption_dark")));
        scrollIntoView(item(QStringLiteral("themeOption_dark")));           // the drawer's last section
        gui_test::restingCentre(item(QStringLiteral("themeOption_dark")));  // the scroll has ended
        click(QStringLiteral("themeOption_dark"));
        QTRY_COMPARE(m_window->property("themeMode").toString(), QStringLiteral("dark"));
        QCOMPARE(AppSettings().theme(), QStringLiteral("dark"));
        QVERIFY(item(QStringLiteral("themeOption_dark"))->property("chosen").toBool());
        const QImage dark = shoot(QStringLiteral("e06_theme_dark"));
        QVERIFY2(meanLightness(dark) < light - 100, "the dark theme is dark");
        QObject * drawer = m_window->findChild<QObject *>(QStringLiteral("settingsDrawer"));
        QMetaObject::invokeMethod(drawer, "close");
        QTRY_COMPARE(drawer->property("position").toDouble(), 0.0);
    }

    // "Download a model…" opens Browse, with curated picks that fit this machine.
    void downloadOpensBrowseWithSuggestions() {
        QObject * drawer = m_window->findChild<QObject *>(QStringLiteral("settingsDrawer"));
        QTRY_VERIFY(!drawer->property("visible").toBool());  // its modal shade would take the click
        click(QStringLiteral("modelPicker"));
        QObject * picker = m_window->findChild<QObject *>(QStringLiteral("modelPickerPopup"));
        QTRY_VERIFY(picker->property("opened").toBool());
        click(QStringLiteral("pickerAction_download"));
        QObject * popup = m_window->findChild<QObject *>(QStringLiteral("modelsPopup"));
        QVERIFY(popup);
        QTRY_VERIFY(popup->property("opened").toBool());
        QCOMPARE(m_window->findChild<QObject *>(QStringLiteral("modelsPage"))->property("currentTab").toInt(), 1);
        QTRY_VERIFY(shown(QStringLiteral("suggestionList")));
        QObject * page = m_window->findChild<QObject *>(QStringLiteral("modelsPage"));
        QObject * suggestions =
            page->property("controller").value<QObject *>()->property("suggestions").value<QObject *>();
        QVERIFY(suggestions);
        QTRY_VERIFY_WITH_TIMEOUT(suggestions->property("count").toInt() > 0, kTimeoutMs);  // 1 GB free is enough
        QTRY_VERIFY(shown(QStringLiteral("suggestion_Qwen/Qwen3-0.6B-GGUF")));
        shoot(QStringLiteral("e08_browse_suggestions"));
        QMetaObject::invokeMethod(popup, "close");
        QTRY_VERIFY(!popup->property("visible").toBool());
    }

    void restartRestoresTheModel() {
        m_chat = nullptr;
        m_settings = nullptr;
        m_chatModel = nullptr;
        m_window = nullptr;
        m_engine.reset();                                                    // quit
        startApp();                                                          // and start again
        QVERIFY(m_chatModel->modelState() != ChatModelController::NoModel);  // loading at once: no welcome screen
        QCOMPARE(m_chatModel->modelPath(), m_stories);
        QVERIFY(!shown(QStringLiteral("downloadModelButton")));
        QTRY_COMPARE_WITH_TIMEOUT(m_chatModel->modelState(), ChatModelController::Ready, kTimeoutMs);
        QVERIFY(!shown(QStringLiteral("downloadModelButton")));
        QCOMPARE(m_window->property("themeMode").toString(), QStringLiteral("dark"));  // the theme kept
        QCOMPARE(m_settings->settings().value("maxTokens").toInt(), 321);              // and the defaults
        QVERIFY(m_settings->presetNames().contains(QStringLiteral("Stories")));
        shoot(QStringLiteral("e07_restart_restored"));
    }

    void cleanupTestCase() { m_engine.reset(); }
};

QTEST_MAIN(TestEverydayWindow)
#include "test_everyday_window.moc"
