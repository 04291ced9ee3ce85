// ConversationFiles: one conversation to a Markdown or JSON file, every
// conversation to one JSON file or a folder of Markdown files, an import of
// that JSON back (all or nothing), and clear errors for unwritable places.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include "core/conversation_files.h"
#include "core/conversation_store.h"
#include "core/json_exporter.h"
#include "core/markdown_exporter.h"
#include "hearth/error.h"
#include "store_test_util.h"

using namespace Hearth;
using ConversationFiles::ExportRequest;
using ConversationFiles::Format;

namespace {

QByteArray readAll(const QString & path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

qint64 addSimple(ConversationStore & store, const QString & title, int at) {
    Conversation c;
    c.title = title;
    c.createdAt = StoreTest::at(at);
    const qint64 id = store.createConversation(c);
    store.appendMessage(id, 0, StoreTest::message(MessageRole::User, QStringLiteral("hello from ") + title, at + 1));
    return id;
}

}  // namespace

class TestConversationFiles : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

private slots:
    void oneConversationAsMarkdownAndJson() {
        ConversationStore store(m_dir.filePath("one.sqlite"));
        const StoreTest::Sample s = StoreTest::buildSample(store);
        addSimple(store, QStringLiteral("Other"), 100);

        const QString md = m_dir.filePath("one.md");
        QCOMPARE(ConversationFiles::exportConversations(store, {{s.conversation}, Format::Markdown, false, md}), 1);
        QCOMPARE(QString::fromUtf8(readAll(md)), MarkdownExporter::render(store.tree(s.conversation)));

        const QString mdAll = m_dir.filePath("one-branches.md");
        ConversationFiles::exportConversations(store, {{s.conversation}, Format::Markdown, true, mdAll});
        QCOMPARE(QString::fromUtf8(readAll(mdAll)),
                 MarkdownExporter::render(store.tree(s.conversation), MarkdownExporter::Options{true}));
        QVERIFY(readAll(mdAll).contains("branch 2 of 2"));

        const QString json = m_dir.filePath("one.json");
        QList<int> progress;
        ConversationFiles::exportConversations(store, {{s.conversation}, Format::Json, false, json},
                                               [&](int done, int total) { progress << done << total; });
        QCOMPARE(readAll(json), JsonExporter::serialize({store.tree(s.conversation)}));
        QCOMPARE(progress, (QList<int>{1, 1}));
    }

    void everyConversationToJsonAndBack() {
        ConversationStore store(m_dir.filePath("all.sqlite"));
        StoreTest::buildSample(store);
        addSimple(store, QStringLiteral("Second"), 100);
        const qint64 gone = addSimple(store, QStringLiteral("Deleted"), 200);
        store.softDeleteConversation(gone);  // waiting for undo: not exported

        const QString json = m_dir.filePath("all.json");
        QList<int> progress;
        QCOMPARE(ConversationFiles::exportConversations(store, {{}, Format::Json, false, json},
                                                        [&](int done, int) { progress << done; }),
                 2);
        QCOMPARE(progress, (QList<int>{1, 2}));
        QVERIFY(!readAll(json).contains("Deleted"));

        ConversationStore target(m_dir.filePath("all-target.sqlite"));
        const QList<qint64> ids = ConversationFiles::importJson(target, json);
        QCOMPARE(ids.size(), 2);
        QCOMPARE(target.conversationCount(), 2);
        QList<ConversationTree> back;
        for (qint64 id : ids) back.append(target.tree(id));
        QCOMPARE(JsonExporter::serialize(back), readAll(json));  // lossless
    }

    void everyConversationToAMarkdownFolder() {
        ConversationStore store(m_dir.filePath("folder.sqlite"));
        const StoreTest::Sample s = StoreTest::buildSample(store);
        const qint64 second = addSimple(store, QStringLiteral("Second chat"), 100);
        const QString folder = m_dir.filePath("md-folder/nested");  // created
        QCOMPARE(ConversationFiles::exportConversations(store, {{}, Format::Markdown, false, folder}), 2);
        const QStringList files = QDir(folder).entryList(QDir::Files, QDir::Name);
        QCOMPARE(files, (QStringList{QStringLiteral("%1-weather-in-lisbon.md").arg(s.conversation),
                                     QStringLiteral("%1-second-chat.md").arg(second)}));
        QCOMPARE(QString::fromUtf8(readAll(QDir(folder).filePath(files[1]))),
                 MarkdownExporter::render(store.tree(second)));
    }

    void failuresNameThePlace() {
        ConversationStore store(m_dir.filePath("fail.sqlite"));
        const qint64 id = addSimple(store, QStringLiteral("x"), 0);
        const QString blocked = m_dir.filePath("a-file");
        QFile f(blocked);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        try {
            // A folder is needed, but a file is in the way.
            ConversationFiles::exportConversations(store, {{}, Format::Markdown, false, blocked + "/sub"});
            QFAIL("exported into a file");
        } catch (const hearth::Error & e) {
            QVERIFY2(QString(e.what()).contains("a-file/sub"), e.what());
        }
        try {
            ConversationFiles::exportConversations(store, {{id}, Format::Json, false, blocked + "/x.json"});
            QFAIL("wrote below a file");
        } catch (const hearth::Error & e) {
            QVERIFY2(QString(e.what()).contains("x.json"), e.what());
        }
        try {
            ConversationFiles::exportConversations(store, {{9999}, Format::Json, false, m_dir.filePath("n.json")});
            QFAIL("exported a conversation that does not exist");
        } catch (const hearth::Error & e) {
            QVERIFY2(QString(e.what()).contains("9999"), e.what());
        }
        QVERIFY(!QFile::exists(m_dir.filePath("n.json")));
    }

    void brokenImportAddsNothing() {
        ConversationStore source(m_dir.filePath("src.sqlite"));
        addSimple(source, QStringLiteral("fine"), 0);
        const QString json = m_dir.filePath("half.json");
        ConversationFiles::exportConversations(source, {{}, Format::Json, false, json});
        // A second conversation whose message points at a parent that is not there.
        QByteArray bytes = readAll(json);
        QJsonObject top = QJsonDocument::fromJson(bytes).object();
        QJsonArray conversations = top.value("conversations").toArray();
        QJsonObject bad = conversations.at(0).toObject();
        QJsonArray messages = bad.value("messages").toArray();
        QJsonObject m = messages.at(0).toObject();
        m.insert("parent", 7);
        messages.replace(0, m);
        bad.insert("messages", messages);
        conversations.append(bad);
        top.insert("conversations", conversations);
        QVERIFY(QFile::remove(json));
        ConversationFiles::writeFile(json, QJsonDocument(top).toJson());

        ConversationStore target(m_dir.filePath("target.sqlite"));
        try {
            ConversationFiles::importJson(target, json);
            QFAIL("a broken file was imported");
        } catch (const hearth::Error & e) {
            QVERIFY2(QString(e.what()).contains("conversations[1].messages[0].parent"), e.what());
        }
        QCOMPARE(target.conversationCount(), 0);  // not even the good first one
    }
};

QTEST_GUILESS_MAIN(TestConversationFiles)
#include "test_conversation_files.moc"
