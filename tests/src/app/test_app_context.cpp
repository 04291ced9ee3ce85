// AppContext: the controllers made and wired in C++, and QML's `App`
// handing out those same objects. Also the sidebar search's list model.
#include <QAbstractItemModelTester>
#include <QDir>
#include <QFile>
#include <QQmlComponent>
#include <QQmlEngine>
#include <QTemporaryDir>
#include <QtQml/QQmlExtensionPlugin>
#include <QtTest>

#include "agent_controller.h"
#include "app_context.h"
#include "chat_controller.h"
#include "chat_model_controller.h"
#include "chat_settings_controller.h"
#include "common/fixtures.h"
#include "conversations_controller.h"
#include "core/app_settings.h"
#include "core/conversation_store.h"
#include "export_controller.h"
#include "model_library_model.h"
#include "models_controller.h"
#include "preferences.h"
#include "search_result_model.h"
#include "server_controller.h"

Q_IMPORT_QML_PLUGIN(HearthPlugin)

using namespace Hearth;

class TestAppContext : public QObject {
    Q_OBJECT
    QTemporaryDir m_data;
    QString m_model;  // a link to the fixture model in the library folder

private slots:
    void initTestCase() {
        QVERIFY(m_data.isValid());
        qputenv("HEARTH_DATA_DIR", m_data.path().toUtf8());
        qunsetenv("HEARTH_MODEL");
        const QString models = QDir(m_data.path()).filePath(QStringLiteral("models"));
        QVERIFY(QDir().mkpath(models));
        m_model = QDir(models).filePath(QStringLiteral("stories260K.gguf"));
        QVERIFY(QFile::link(QString::fromStdString(HEARTH_FIXTURE("models/stories260K.gguf")), m_model));
        AppSettings().setModelDirs({models});
    }

    // Every controller is the context's child, connected to the others.
    void controllersAreMadeAndWired() {
        AppContext app(nullptr);
        for (QObject * c : std::initializer_list<QObject *>{app.preferences(), app.chat(), app.conversations(),
                                                            app.chatSettings(), app.chatModel(), app.agentController(),
                                                            app.models(), app.server(), app.exporter()}) {
            QVERIFY(c);
            QCOMPARE(c->parent(), &app);
        }
        QCOMPARE(app.server()->chatEngine(), app.chatModel()->engine());
        QVERIFY(!app.exporter()->databasePath().isEmpty());
        QCOMPARE(app.exporter()->databasePath(), app.conversations()->databasePath());
    }

    // QML's App is the C++ instance, and the engine does not take it over.
    void qmlSeesTheSameObjects() {
        AppContext app(nullptr);
        {
            QQmlEngine engine;
            engine.addImportPath(QStringLiteral("qrc:/qt/qml"));
            QQmlComponent component(&engine);
            component.setData(
                "import QtQml\nimport Hearth\nQtObject {\n"
                "    property var chat: App.chat\n    property var server: App.server\n"
                "    property var models: App.models\n}\n",
                QUrl());
            std::unique_ptr<QObject> object(component.create());
            QVERIFY2(object, qPrintable(component.errorString()));
            QCOMPARE(object->property("chat").value<QObject *>(), app.chat());
            QCOMPARE(object->property("server").value<QObject *>(), app.server());
            QCOMPARE(object->property("models").value<QObject *>(), app.models());
        }
        QVERIFY(app.chat());  // still alive after the engine went
        QCOMPARE(AppContext::create(nullptr, nullptr), &app);
    }

    // An import through the exporter reloads the sidebar and opens the first chat imported.
    void importOpensTheImportedChat() {
        AppContext app(nullptr);
        qint64 id = 0;
        {
            ConversationStore store;
            Conversation c;
            c.title = QStringLiteral("Imported");
            id = store.createConversation(c);
        }
        QCOMPARE(app.chat()->currentConversationId(), 0);
        emit app.exporter()->imported({id});
        QTRY_COMPARE(app.chat()->currentConversationId(), id);
        QTRY_VERIFY(app.conversations()->list()->rowCount() >= 1);
    }

    // The server panel offers the chat's model once the library lists it.
    void serverPreselectsTheChatModel() {
        AppContext app(nullptr);
        QTRY_VERIFY_WITH_TIMEOUT(app.models()->library()->rowCount() == 1, 20000);
        QVERIFY(app.server()->modelPath().isEmpty());
        const QString listed = app.models()->library()->pathAt(0);
        app.chatModel()->loadModel(m_model);
        QTRY_COMPARE_WITH_TIMEOUT(app.server()->modelPath(), listed, 20000);
        // A choice the user made stays.
        app.server()->setModelPath(QStringLiteral("/elsewhere/other.gguf"));
        app.chatModel()->loadModel(m_model);
        QTest::qWait(100);
        QCOMPARE(app.server()->modelPath(), QStringLiteral("/elsewhere/other.gguf"));
    }

    void searchResultsAreAListModel() {
        SearchResultModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy count(&model, &SearchResultModel::countChanged);
        SearchHit a;
        a.conversationId = 3;
        a.messageId = 30;
        a.conversationTitle = QStringLiteral("Pears");
        a.role = MessageRole::Assistant;
        a.snippet = QStringLiteral("they grow in [Oregon]");
        SearchHit b = a;
        b.messageId = 31;
        b.role = MessageRole::User;
        model.setHits({a, b});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(count.size(), 1);
        const QHash<int, QByteArray> roles = model.roleNames();
        const QModelIndex first = model.index(0);
        QCOMPARE(model.data(first, roles.key("conversationId")).toLongLong(), 3);
        QCOMPARE(model.data(first, roles.key("messageId")).toLongLong(), 30);
        QCOMPARE(model.data(first, roles.key("title")).toString(), QStringLiteral("Pears"));
        QCOMPARE(model.data(first, roles.key("role")).toString(), QStringLiteral("assistant"));
        QCOMPARE(model.data(model.index(1), roles.key("role")).toString(), QStringLiteral("user"));
        QCOMPARE(model.data(first, roles.key("snippet")).toString(), a.snippet);
        const QVariantList rows = model.toVariantList();
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows[1].toMap().value("messageId").toLongLong(), 31);
        model.setHits({a, b});  // the same number of rows: no count change
        QCOMPARE(count.size(), 1);
        model.setHits({});
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(count.size(), 2);
    }
};

QTEST_MAIN(TestAppContext)
#include "test_app_context.moc"
