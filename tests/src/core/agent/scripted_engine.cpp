#include "scripted_engine.h"

#include <QTest>

using namespace Hearth;

ScriptedEngine::ScriptedEngine(ConversationStore * store, AgentLoop * loop) : m_store(store), m_loop(loop) {
    connect(
        loop, &AgentLoop::continueRequested, this,
        [this](qint64 conversation, qint64 parent) { reply(conversation, parent); }, Qt::QueuedConnection);
}

QString ScriptedEngine::call(const QString & name, const QString & argumentsJson) {
    return ScriptedModel::call(name, argumentsJson);
}

qint64 ScriptedEngine::say(qint64 conversationId, const QString & text) {
    const qint64 parent = m_store->conversation(conversationId)->activeLeafId;
    Message user;
    user.role = MessageRole::User;
    user.content = text;
    return reply(conversationId, m_store->appendMessage(conversationId, parent, user));
}

qint64 ScriptedEngine::reply(qint64 conversationId, qint64 parentId) {
    const qint64 id = m_store->beginReply(conversationId, parentId, GenerationInfo{});
    QList<Message> history = m_store->activePath(conversationId);
    history.removeLast();  // the reply itself
    GenerationSettings settings;
    settings.tools = m_loop->templateToolsFor(conversationId);
    prompts.push_back(m_model.render(history, settings));

    const QString raw = outputs.isEmpty() ? QStringLiteral("Done.") : outputs.takeFirst();
    const ScriptedModel::Reply out = m_model.parse(raw, id);
    ReplyStats stats;
    stats.stopReason = QStringLiteral("eos");
    m_store->finishReply(id, out.content, out.reasoning, out.toolCalls, stats);
    replies << id;
    if (handOver && m_loop->onReplyFinished(conversationId, id))
        // The loop reads the reply on its store thread: wait until its cards (or its end) are there.
        if (!QTest::qWaitFor([&] { return !m_loop->reading(conversationId); }, 5000))
            qWarning("ScriptedEngine: the loop did not read reply %lld within 5 s", id);
    return id;
}
