// ModelsPage in a window under Xvfb, fed by the mock Hub: checks what the
// page shows (cards, results, files, a download's progress bar) and saves
// screenshots to test-output/:
//   models_01_library          local models with details and fit badges
//   models_02_browse           search results, a repo's files, a download in progress
//   models_03_delete_confirm   the confirmation before a delete
//   models_04_library_dark     the library in the dark theme
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

#include "models_controller.h"
#include "models_test_hub.h"

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
    ModelsPage { objectName: "page"; anchors.fill: parent }
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
                 {"components/models/BrowseTab.qml", "components/models/LibraryTab.qml", "pages/ModelsPage.qml"}) {
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
        QTRY_VERIFY_WITH_TIMEOUT(m_c->library()->rowCount() == 4 && !m_c->scanning(), kTimeoutMs);
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
        const QImage img = shot(QStringLiteral("models_02_browse"));
        QVERIFY(pixelsNear(img, QColor("#e8743b")) > 100);  // Download buttons and the progress bar
        d.cancel(0);
    }

    void deleteAsksFirst() {
        m_page->setProperty("currentTab", 0);
        QVERIFY(QMetaObject::invokeMethod(m_page->findChild<QObject *>(QStringLiteral("confirmDelete")), "ask",
                                          Q_ARG(QVariant, 0), Q_ARG(QVariant, QStringLiteral("half-downloaded"))));
        shot(QStringLiteral("models_03_delete_confirm"));
        QCOMPARE(m_c->library()->rowCount(), 4);  // nothing deleted before the user confirms
        QMetaObject::invokeMethod(m_page->findChild<QObject *>(QStringLiteral("confirmDelete")), "reject");
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
