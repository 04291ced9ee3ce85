// The chat controller's actions against the real engine (stories260K) and a
// temporary store: send, stream, stats, regenerate and edit branches, stop,
// delete with undo, search, per-conversation settings, continuing a reply
// left interrupted, and chats past the context under each overflow policy.
// Both list models run under QAbstractItemModelTester the whole time.
#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>
#include <optional>

#include "chat_controller.h"
#include "chat_feature.h"
#include "chat_model_controller.h"
#include "chat_settings_controller.h"
#include "common/fixtures.h"
#include "conversations_controller.h"
#include "core/conversation_store.h"
#include "core/model_hash_cache.h"
#include "hearth/gguf.h"
#include "hearth/tokenizer.h"

using namespace Hearth;

namespace {

constexpr int kTimeoutMs = 60000;
// sha256sum of the fixture model (also in the fixtures README).
const QString kStoriesSha = QStringLiteral("270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d");

}  // namespace

class TestChatController : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_model;
    int m_dbSerial = 0;

    QString freshDb() { return m_dir.filePath(QStringLiteral("chat%1.sqlite").arg(++m_dbSerial)); }

    struct Fixture {
        std::unique_ptr<ChatFeature> app;  // the store and the controllers, as the app makes them
        ChatController * chat = nullptr;
        ChatSettingsController * settings = nullptr;
        ChatModelController * model = nullptr;
        ConversationsController * convs = nullptr;
        std::unique_ptr<QAbstractItemModelTester> convTester;
        std::unique_ptr<QAbstractItemModelTester> msgTester;
    };

    Fixture open(const QString & db, bool loadModel = true) {
        Fixture f;
        f.app = std::make_unique<ChatFeature>(db, nullptr);
        f.chat = f.app->chat();
        f.settings = f.app->settings();
        f.model = f.app->model();
        f.convs = f.app->conversations();
        f.convTester = std::make_unique<QAbstractItemModelTester>(
            f.convs->list(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        f.msgTester = std::make_unique<QAbstractItemModelTester>(
            f.chat->messages(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        if (loadModel) {
            f.model->loadModel(m_model);
            [&] { QTRY_COMPARE_WITH_TIMEOUT(f.model->modelState(), ChatModelController::Ready, kTimeoutMs); }();
            f.settings->setSetting(QStringLiteral("maxTokens"), 24);
            f.settings->setSetting(QStringLiteral("seed"), 3);
        }
        return f;
    }

    QVariant msg(ChatController & chat, int row, MessageListModel::Role role) {
        return chat.messages()->data(chat.messages()->index(row), role);
    }

    bool waitReplies(ChatController & chat, int n) {
        [&] { QTRY_COMPARE_WITH_TIMEOUT(chat.completedReplies(), n, kTimeoutMs); }();
        return chat.completedReplies() == n && !chat.generating();
    }

    // A story text of at least `n` tokens of the fixture's vocabulary.
    QString textOfTokens(int n) {
        const hearth::Tokenizer tok = hearth::Tokenizer::from_gguf(hearth::GgufFile::open(m_model.toStdString()));
        QString text;
        for (int i = 0; int(tok.tokenize(text.toStdString(), false).size()) < n; ++i)
            text += QStringLiteral("Lily saw %1 red birds in the tall tree. ").arg(i);
        return text.trimmed();
    }

    // Reloads the model with a small context (the chat's setting).
    bool useContext(Fixture & f, int size) {
        ChatController & chat = *f.chat;
        f.settings->setSetting(QStringLiteral("contextSize"), size);
        [&] { QTRY_COMPARE_WITH_TIMEOUT(chat.context()->size(), size, kTimeoutMs); }();
        [&] { QTRY_COMPARE_WITH_TIMEOUT(f.model->modelState(), ChatModelController::Ready, kTimeoutMs); }();
        return chat.context()->size() == size;
    }

    qint64 lastId(ChatController & chat) {
        return msg(chat, chat.messages()->count() - 1, MessageListModel::IdRole).toLongLong();
    }

private slots:
    void initTestCase() {
        qunsetenv("HEARTH_MODEL");
        qputenv("HEARTH_DATA_DIR", m_dir.path().toUtf8());  // the app-wide default policy goes here
        QVERIFY(m_dir.isValid());
        m_model = QString::fromStdString(HEARTH_FIXTURE("models/stories260K.gguf"));
    }

    void sendStreamsAndSavesTheReply() {
        const QString db = freshDb();
        Fixture f = open(db);
        ChatController & chat = *f.chat;
        ConversationsController & convs = *f.convs;
        ChatModelController & model = *f.model;
        QVERIFY(!chat.send(QStringLiteral("   ")));  // blank: nothing happens
        QCOMPARE(convs.list()->count(), 0);

        QSignalSpy changed(chat.messages(), &QAbstractItemModel::dataChanged);
        // What a binding to currentTitle shows: the title at its last change notice.
        QString shownTitle;
        connect(&chat, &ChatController::currentTitleChanged, this, [&] { shownTitle = chat.currentTitle(); });
        // The rows come from the store thread: the reply's state when it first shows.
        std::optional<MessageState> shownAs;
        connect(chat.messages(), &MessageListModel::countChanged, this, [&] {
            if (!shownAs && chat.messages()->count() == 2)
                shownAs = msg(chat, 1, MessageListModel::StateRole).value<MessageState>();
        });
        QVERIFY(chat.send(QStringLiteral("Once upon a time there was a cat")));
        QVERIFY(chat.generating());                    // returned at once; the reply streams
        QVERIFY(!chat.send(QStringLiteral("again")));  // one reply at a time
        QTRY_VERIFY(shownAs.has_value());
        QCOMPARE(*shownAs, MessageState::Streaming);
        QVERIFY(waitReplies(chat, 1));
        QVERIFY(changed.count() >= 1);  // streamed text updated the row

        QCOMPARE(convs.list()->count(), 1);
        QCOMPARE(chat.currentTitle(), QStringLiteral("Once upon a time there was a cat"));
        QCOMPARE(shownTitle, chat.currentTitle());  // the draft's new row was announced, not only read
        QCOMPARE(msg(chat, 0, MessageListModel::RoleRole).value<MessageRole>(), MessageRole::User);
        QCOMPARE(msg(chat, 1, MessageListModel::RoleRole).value<MessageRole>(), MessageRole::Assistant);
        QCOMPARE(msg(chat, 1, MessageListModel::StateRole).value<MessageState>(), MessageState::Complete);
        QVERIFY(!msg(chat, 1, MessageListModel::ContentRole).toString().isEmpty());
        QVERIFY(msg(chat, 1, MessageListModel::GeneratedTokensRole).toInt() > 0);
        QVERIFY(msg(chat, 1, MessageListModel::TokensPerSecondRole).toDouble() > 0);
        QVERIFY(msg(chat, 1, MessageListModel::TimeToFirstTokenRole).toDouble() > 0);

        // What the store holds for the reply.
        ConversationStore store(db);
        const qint64 replyId = msg(chat, 1, MessageListModel::IdRole).toLongLong();
        const Message reply = *store.message(replyId);
        QCOMPARE(reply.generation.modelFile, QStringLiteral("stories260K.gguf"));
        QCOMPARE(reply.generation.seed, 3);
        QCOMPARE(reply.generation.sampling.value("max_tokens").toInt(), 24);
        QCOMPARE(reply.content, msg(chat, 1, MessageListModel::ContentRole).toString());
        QVERIFY(reply.stats.stopReason == QLatin1String("eos") || reply.stats.stopReason == QLatin1String("length"));
        QVERIFY(reply.stats.promptTokens > 0);
        // The model's sha256: hashed in the background, recorded on the reply.
        QTRY_COMPARE(model.modelSha256(), kStoriesSha);
        QTRY_COMPARE(store.message(replyId)->generation.modelSha256, kStoriesSha);
        QTRY_COMPARE(msg(chat, 1, MessageListModel::ModelSha256Role).toString(), kStoriesSha);
        QVERIFY(QFile::exists(QFileInfo(db).dir().filePath(QStringLiteral("model-hashes.json"))));
    }

    // A model big enough that its hash is still being computed when the
    // reply starts: the reply is saved without it and filled in when it comes.
    void hashArrivingLateIsFilledIn() {
        const QString big = m_dir.filePath(QStringLiteral("stories-padded.gguf"));
        QVERIFY(QFile::copy(m_model, big));
        {
            QFile f(big);
            QVERIFY(f.open(QIODevice::ReadWrite));
            QVERIFY(f.resize(f.size() + (qint64(1) << 30)));  // 1 GiB of sparse zeros after the tensors
        }
        const QString db = freshDb();
        Fixture f = open(db, false);
        ChatController & chat = *f.chat;
        ChatModelController & model = *f.model;
        ChatSettingsController & settings = *f.settings;
        model.loadModel(big);
        QTRY_COMPARE_WITH_TIMEOUT(model.modelState(), ChatModelController::Ready, kTimeoutMs);
        settings.setSetting(QStringLiteral("maxTokens"), 8);
        QVERIFY(model.modelSha256().isEmpty());  // still hashing 1 GiB
        QVERIFY(chat.send(QStringLiteral("Once upon a time")));
        QTRY_COMPARE(chat.messages()->count(), 2);
        const qint64 replyId = msg(chat, 1, MessageListModel::IdRole).toLongLong();
        ConversationStore store(db);
        QCOMPARE(store.message(replyId)->generation.modelSha256, QString());
        QVERIFY(waitReplies(chat, 1));
        QTRY_VERIFY_WITH_TIMEOUT(!model.modelSha256().isEmpty(), kTimeoutMs);
        QVERIFY(model.modelSha256() != kStoriesSha);
        QCOMPARE(model.modelSha256(), ModelHashCache::hashFile(big));
        QTRY_COMPARE(store.message(replyId)->generation.modelSha256, model.modelSha256());
        // A later load of the same file takes the hash from the cache at once.
        Fixture again = open(freshDb(), false);
        again.model->loadModel(big);
        QTRY_COMPARE_WITH_TIMEOUT(again.model->modelSha256(), model.modelSha256(), 5000);
        QFile::remove(big);
    }

    void regenerateAndEditMakeBranches() {
        Fixture f = open(freshDb());
        ChatController & chat = *f.chat;
        ChatSettingsController & settings = *f.settings;
        settings.setSetting(QStringLiteral("seed"), -1);  // a fresh seed per reply
        settings.setSetting(QStringLiteral("temperature"), 1.0);
        QVERIFY(chat.send(QStringLiteral("Lily went to the park")));
        QVERIFY(waitReplies(chat, 1));
        const QString first = msg(chat, 1, MessageListModel::ContentRole).toString();
        const qint64 firstId = msg(chat, 1, MessageListModel::IdRole).toLongLong();

        QVERIFY(chat.regenerate(firstId));
        QVERIFY(waitReplies(chat, 2));
        QCOMPARE(chat.messages()->count(), 2);
        QCOMPARE(msg(chat, 1, MessageListModel::SiblingCountRole).toInt(), 2);
        QCOMPARE(msg(chat, 1, MessageListModel::SiblingIndexRole).toInt(), 1);
        QVERIFY(msg(chat, 1, MessageListModel::IdRole).toLongLong() != firstId);

        chat.selectSibling(1, -1);
        QTRY_COMPARE(msg(chat, 1, MessageListModel::IdRole).toLongLong(), firstId);
        QCOMPARE(msg(chat, 1, MessageListModel::ContentRole).toString(), first);

        const qint64 userId = msg(chat, 0, MessageListModel::IdRole).toLongLong();
        QVERIFY(chat.editMessage(userId, QStringLiteral("Tom had a red ball")));
        QVERIFY(waitReplies(chat, 3));
        QCOMPARE(msg(chat, 0, MessageListModel::ContentRole).toString(), QStringLiteral("Tom had a red ball"));
        QCOMPARE(msg(chat, 0, MessageListModel::SiblingCountRole).toInt(), 2);
        QCOMPARE(msg(chat, 1, MessageListModel::SiblingCountRole).toInt(), 1);  // the edit's own reply
        chat.selectSibling(0, -1);
        QTRY_COMPARE(msg(chat, 0, MessageListModel::ContentRole).toString(), QStringLiteral("Lily went to the park"));
    }

    void stopCancelsTheReply() {
        Fixture f = open(freshDb());
        ChatController & chat = *f.chat;
        ChatSettingsController & settings = *f.settings;
        settings.setSetting(QStringLiteral("maxTokens"), 0);  // until stopped
        settings.setSetting(QStringLiteral("temperature"), 1.0);
        QVERIFY(chat.send(QStringLiteral("Once upon a time")));
        chat.stop();
        QVERIFY(waitReplies(chat, 1));
        QCOMPARE(msg(chat, 1, MessageListModel::StopReasonRole).toString(), QStringLiteral("user"));
        QCOMPARE(msg(chat, 1, MessageListModel::StateRole).value<MessageState>(), MessageState::Complete);
    }

    // Quitting while a reply streams: every save queued on the store thread
    // runs first, so the reply keeps all the text the chat showed.
    void quittingWhileStreamingKeepsTheReply() {
        const QString db = freshDb();
        Fixture f = open(db);
        ChatController & chat = *f.chat;
        ChatSettingsController & settings = *f.settings;
        settings.setSetting(QStringLiteral("maxTokens"), 0);  // until stopped
        settings.setSetting(QStringLiteral("temperature"), 1.0);
        QVERIFY(chat.send(QStringLiteral("Once upon a time")));
        QTRY_VERIFY_WITH_TIMEOUT(msg(chat, 1, MessageListModel::ContentRole).toString().size() > 40, kTimeoutMs);
        QVERIFY(chat.generating());
        const qint64 replyId = msg(chat, 1, MessageListModel::IdRole).toLongLong();
        const QString shown = msg(chat, 1, MessageListModel::ContentRole).toString();
        f.msgTester.reset();
        f.convTester.reset();
        f.app.reset();  // the app quits mid-stream
        ConversationStore store(db);
        QCOMPARE(store.interruptedOnOpen(), 1);
        const Message reply = *store.message(replyId);
        QCOMPARE(reply.state, MessageState::Interrupted);
        QCOMPARE(reply.content, shown);
    }

    void withoutModelNothingIsSent() {
        Fixture f = open(freshDb(), false);
        QCOMPARE(f.model->modelState(), ChatModelController::NoModel);
        QVERIFY(!f.chat->send(QStringLiteral("hello")));
        QCOMPARE(f.convs->list()->count(), 0);
    }

    void loadErrorIsASentence() {
        const QString bad = m_dir.filePath(QStringLiteral("bad.gguf"));
        QFile file(bad);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("not a model at all");
        file.close();
        Fixture f = open(freshDb(), false);
        f.model->loadModel(QUrl::fromLocalFile(bad).toString());  // the file dialog gives URLs
        QTRY_COMPARE_WITH_TIMEOUT(f.model->modelState(), ChatModelController::Error, kTimeoutMs);
        QVERIFY2(f.model->loadError().startsWith(QStringLiteral("This file is not a usable GGUF model")),
                 qPrintable(f.model->loadError()));
        QCOMPARE(f.model->modelName(), QStringLiteral("bad"));
    }

    void deleteWithUndoSearchAndPin() {
        const QString db = freshDb();
        Fixture f = open(db);
        ChatController & chat = *f.chat;
        ConversationsController & convs = *f.convs;
        QVERIFY(chat.send(QStringLiteral("The dragon slept")));
        QVERIFY(waitReplies(chat, 1));
        const qint64 first = chat.currentConversationId();
        chat.newChat();
        QCOMPARE(chat.currentConversationId(), 0);
        QCOMPARE(chat.messages()->count(), 0);
        QVERIFY(chat.send(QStringLiteral("A zebra ran fast")));
        QVERIFY(waitReplies(chat, 2));
        QCOMPARE(convs.list()->count(), 2);

        const qint64 zebra = chat.currentConversationId();
        convs.search(QStringLiteral("zebr"));
        QTRY_VERIFY(!convs.searchResults().isEmpty());
        const QVariantMap hit = convs.searchResults().first().toMap();
        QCOMPARE(hit.value("conversationId").toLongLong(), zebra);  // the user's words rank first
        chat.setCurrentConversationId(first);
        QSignalSpy scrolled(&chat, &ChatController::scrollToMessage);
        convs.openSearchResult(zebra, hit.value("messageId").toLongLong());
        QCOMPARE(chat.currentConversationId(), zebra);
        QTRY_COMPARE(scrolled.count(), 1);
        QCOMPARE(chat.messages()->rowOf(hit.value("messageId").toLongLong()), scrolled.at(0).at(0).toInt());

        convs.togglePinned(first);
        QTRY_COMPARE(convs.list()->data(convs.list()->index(0), ConversationListModel::IdRole).toLongLong(), first);

        convs.deleteConversation(first);
        QTRY_COMPARE(convs.list()->count(), 1);
        QCOMPARE(convs.pendingDeleteTitle(), QStringLiteral("The dragon slept"));
        convs.undoDelete();
        QTRY_COMPARE(convs.list()->count(), 2);
        convs.deleteConversation(first);
        convs.commitDelete();
        QTRY_COMPARE(convs.list()->count(), 1);
        QTRY_COMPARE(ConversationStore(db).conversationCount(), 1);
        convs.rename(convs.list()->data(convs.list()->index(0), ConversationListModel::IdRole).toLongLong(),
                     QStringLiteral("Zebras"));
        QTRY_COMPARE(convs.list()->data(convs.list()->index(0), ConversationListModel::TitleRole).toString(),
                     QStringLiteral("Zebras"));

        // Renaming the open chat changes its title, not which chat is open (the tool loop
        // reacts to the latter).
        QCOMPARE(chat.currentConversationId(), zebra);  // opened by the search result above
        QCOMPARE(chat.currentTitle(), QStringLiteral("Zebras"));
        QSignalSpy switched(&chat, &ChatController::currentConversationChanged);
        QSignalSpy titled(&chat, &ChatController::currentTitleChanged);
        convs.rename(zebra, QStringLiteral("Yaks"));
        QTRY_COMPARE(chat.currentTitle(), QStringLiteral("Yaks"));
        QVERIFY(titled.count() >= 1);
        QCOMPARE(switched.count(), 0);
    }

    void settingsArePerConversation() {
        const QString db = freshDb();
        qint64 id = 0;
        {
            Fixture f = open(db);
            f.settings->setSetting(QStringLiteral("systemPrompt"), QStringLiteral("Speak like a pirate."));
            f.settings->setSetting(QStringLiteral("temperature"), 0.3);
            f.settings->setSetting(QStringLiteral("topK"), 12);
            QVERIFY(f.chat->send(QStringLiteral("Ahoy")));
            QVERIFY(waitReplies(*f.chat, 1));
            id = f.chat->currentConversationId();
            f.settings->setSetting(QStringLiteral("minP"), 0.2);  // saved into the existing conversation
        }
        Fixture g = open(db, false);
        QCOMPARE(g.settings->settings().value("temperature").toDouble(), 0.8);  // a new chat has defaults
        g.chat->setCurrentConversationId(id);
        QTRY_COMPARE(g.settings->generationSettings().systemPrompt,
                     QStringLiteral("Speak like a pirate."));  // read on the store thread
        const GenerationSettings s = g.settings->generationSettings();
        QCOMPARE(s.systemPrompt, QStringLiteral("Speak like a pirate."));
        QCOMPARE(s.temperature, 0.3);
        QCOMPARE(s.topK, 12);
        QCOMPARE(s.minP, 0.2);
    }

    void interruptedReplyCanBeContinued() {
        const QString db = freshDb();
        qint64 conv = 0, reply = 0;
        {
            ConversationStore store(db);
            Conversation c;
            c.title = QStringLiteral("Story");
            conv = store.createConversation(c);
            Message user;
            user.role = MessageRole::User;
            user.content = QStringLiteral("Tell me a story");
            const qint64 u = store.appendMessage(conv, 0, user);
            GenerationInfo info;
            info.modelFile = QStringLiteral("stories260K.gguf");
            info.seed = 5;
            reply = store.beginReply(conv, u, info);
            store.saveStreamingText(reply, QStringLiteral("Once upon a time"), QString());
            // The app "dies" here: the reply stays `streaming`.
        }
        Fixture f = open(db);
        ChatController & chat = *f.chat;
        chat.setCurrentConversationId(conv);
        QTRY_COMPARE(chat.messages()->count(), 2);
        QCOMPARE(msg(chat, 1, MessageListModel::StateRole).value<MessageState>(), MessageState::Interrupted);
        QVERIFY(chat.continueReply(reply));
        QVERIFY(waitReplies(chat, 1));
        QCOMPARE(msg(chat, 1, MessageListModel::IdRole).toLongLong(), reply);
        QCOMPARE(msg(chat, 1, MessageListModel::StateRole).value<MessageState>(), MessageState::Complete);
        const QString text = msg(chat, 1, MessageListModel::ContentRole).toString();
        QVERIFY2(text.startsWith(QStringLiteral("Once upon a time")) && text.size() > 16, qPrintable(text));
    }

    // stories260K's 2048 tokens, far exceeded: every reply still comes, the
    // oldest turns are left out and the chat says so.
    void rollingWindowChatsPastTheContext() {
        const QString db = freshDb();
        Fixture f = open(db);
        ChatController & chat = *f.chat;
        ChatSettingsController & settings = *f.settings;
        settings.setSetting(QStringLiteral("systemPrompt"), QStringLiteral("You are a storyteller."));
        QCOMPARE(settings.settings().value("defaultContextOverflow").toString(), QStringLiteral("rolling_window"));
        QCOMPARE(chat.context()->size(), 2048);
        const QString text = textOfTokens(400);
        const int turns = 8;  // about 3300 tokens of user text alone
        for (int t = 0; t < turns; ++t) {
            QVERIFY(chat.send(QStringLiteral("Part %1. ").arg(t) + text));
            QVERIFY(waitReplies(chat, t + 1));
            QVERIFY2(chat.errorMessage().isEmpty(), qPrintable(chat.errorMessage()));
            const QString stop = msg(chat, 2 * t + 1, MessageListModel::StopReasonRole).toString();
            QVERIFY2(stop == QLatin1String("eos") || stop == QLatin1String("length"), qPrintable(stop));
            QVERIFY(chat.context()->used() > 0 && chat.context()->used() <= 2048);
        }
        QCOMPARE(chat.messages()->count(), 2 * turns);  // every turn kept in the chat itself
        QCOMPARE(chat.context()->noticeMessageId(), lastId(chat));
        QVERIFY2(chat.context()->notice().contains(QStringLiteral("The system prompt is kept")),
                 qPrintable(chat.context()->notice()));
        const Message reply = *ConversationStore(db).message(lastId(chat));
        QVERIFY(reply.stats.promptTokens <= 2048 - 24 && reply.stats.promptTokens > 400);
        QVERIFY(reply.stats.generatedTokens > 0);
        // Opening the chat again measures it for the meter, off the GUI thread.
        const qint64 conv = chat.currentConversationId();
        chat.newChat();
        QCOMPARE(chat.context()->used(), 0);
        chat.setCurrentConversationId(conv);
        QTRY_VERIFY_WITH_TIMEOUT(chat.context()->used() > 400, kTimeoutMs);
    }

    // A reply that reaches the end of the context keeps its text and its real
    // token count, stops with "context_full", and Continue makes room for more.
    void contextFullReplyIsKeptAndContinues() {
        const QString db = freshDb();
        Fixture f = open(db);
        ChatController & chat = *f.chat;
        ChatSettingsController & settings = *f.settings;
        QVERIFY(useContext(f, 256));
        // Two turns within the window (256 less a quarter kept for the reply);
        // the first is what Continue can leave out to make room.
        settings.setSetting(QStringLiteral("maxTokens"), 12);
        QVERIFY(chat.send(textOfTokens(30)));
        QVERIFY(waitReplies(chat, 1));
        settings.setSetting(QStringLiteral("maxTokens"), 0);  // until the model stops or the context is full
        settings.setSetting(QStringLiteral("temperature"), 1.0);
        settings.setSetting(QStringLiteral("seed"), -1);
        QVERIFY(chat.send(textOfTokens(40)));
        int done = 2;
        QVERIFY(waitReplies(chat, done));
        QVERIFY2(chat.context()->notice().isEmpty(), "the first turn still fits beside the second");
        // The model may end its story first: ask again until one runs into the limit.
        while (msg(chat, 3, MessageListModel::StopReasonRole).toString() != QLatin1String("context_full") && done < 8) {
            QVERIFY(chat.regenerate(lastId(chat)));
            QVERIFY(waitReplies(chat, ++done));
        }
        QCOMPARE(msg(chat, 3, MessageListModel::StopReasonRole).toString(), QStringLiteral("context_full"));
        QVERIFY2(chat.errorMessage().isEmpty(), qPrintable(chat.errorMessage()));
        const qint64 id = lastId(chat);
        const Message full = *ConversationStore(db).message(id);
        QCOMPARE(full.state, MessageState::Complete);
        QVERIFY(!full.content.isEmpty());
        // The prompt and the reply fill the context; the last sampled token was never evaluated.
        QCOMPARE(full.stats.promptTokens + full.stats.generatedTokens, 256 + 1);
        QVERIFY(msg(chat, 3, MessageListModel::ContinuableRole).toBool());
        QCOMPARE(chat.context()->used(), 256);
        QCOMPARE(chat.context()->text(), QStringLiteral("256 / 256 tokens"));
        QVERIFY(chat.context()->nearlyFull());
        QVERIFY(!chat.context()->warning().isEmpty());

        QVERIFY(chat.continueReply(id));
        QVERIFY(waitReplies(chat, ++done));
        QVERIFY2(chat.errorMessage().isEmpty(), qPrintable(chat.errorMessage()));
        const Message more = *ConversationStore(db).message(id);
        QVERIFY2(more.content.startsWith(full.content) && more.content.size() > full.content.size(),
                 qPrintable(more.content));
        QVERIFY(more.stats.generatedTokens > full.stats.generatedTokens);  // both parts counted
        QVERIFY(more.stats.stopReason == QLatin1String("eos") ||
                more.stats.stopReason == QLatin1String("context_full"));
        QCOMPARE(chat.messages()->count(), 4);
        // The first turn made room for it, and the chat says so.
        QCOMPARE(chat.context()->noticeMessageId(), id);
        QVERIFY(!chat.context()->notice().isEmpty());
    }

    // "Stop at limit": a prompt past the context is refused with a sentence,
    // and no empty reply is left in the chat or the store.
    void stopPolicyRefusesWithoutAnEmptyReply() {
        const QString db = freshDb();
        Fixture f = open(db);
        ChatController & chat = *f.chat;
        ChatSettingsController & settings = *f.settings;
        QVERIFY(useContext(f, 256));
        settings.setSetting(QStringLiteral("contextOverflow"), QStringLiteral("stop"));
        QVERIFY(chat.send(QStringLiteral("Hi")));
        QVERIFY(waitReplies(chat, 1));
        const QString longText = textOfTokens(300);
        for (int attempt = 0; attempt < 2; ++attempt) {  // every later send is refused the same way
            QVERIFY(chat.send(longText));
            QVERIFY(waitReplies(chat, 2 + attempt));
            QVERIFY2(chat.errorMessage().contains(QStringLiteral("Stop at limit")), qPrintable(chat.errorMessage()));
            chat.clearError();
        }
        QCOMPARE(chat.messages()->count(), 4);  // Hi, its reply, the two refused messages
        QCOMPARE(msg(chat, 3, MessageListModel::RoleRole).value<MessageRole>(), MessageRole::User);
        const QList<Message> all = ConversationStore(db).messages(chat.currentConversationId());
        QCOMPARE(all.size(), 4);
        for (const Message & m : all)
            if (m.role == MessageRole::Assistant) QVERIFY(!m.content.isEmpty());

        // The policy is the chat's own, kept with it; the app-wide default is a setting of its own.
        QCOMPARE(settings.settings().value("contextOverflow").toString(), QStringLiteral("stop"));
        settings.setSetting(QStringLiteral("contextOverflow"), QStringLiteral("no such policy"));
        QCOMPARE(settings.settings().value("contextOverflow").toString(), QString());  // the app's default
        settings.setSetting(QStringLiteral("defaultContextOverflow"), QStringLiteral("truncate_middle"));
        Fixture g = open(freshDb(), false);
        QCOMPARE(g.settings->settings().value("defaultContextOverflow").toString(), QStringLiteral("truncate_middle"));
        g.settings->setSetting(QStringLiteral("defaultContextOverflow"), QStringLiteral("rolling_window"));
    }
};

QTEST_MAIN(TestChatController)
#include "test_chat_controller.moc"
