#include "scripted_engine.h"

#include <QJsonDocument>

#include "common/fixtures.h"
#include "hearth/chat_template.h"
#include "hearth/gguf.h"
#include "hearth/output_parser.h"
#include "hearth/tokenizer.h"

using namespace Hearth;

ScriptedEngine::ScriptedEngine(ConversationStore *store, AgentLoop *loop) : m_store(store), m_loop(loop) {
    m_setup.chat_template = std::make_shared<const hearth::ChatTemplate>(
        hearth::ChatTemplate::from_file(hearth_test::fixture("templates/source/Qwen-Qwen3-0.6B.jinja")));
    m_setup.tool_format = hearth::ToolCallFormat_hermes;
    m_setup.special.eos = "<|im_end|>";
    m_setup.n_ctx_train = 32768;
    m_setup.n_ctx = 32768;
    const hearth::GgufFile vocab = hearth::GgufFile::open(hearth_test::fixture("vocab/ggml-vocab-qwen2.gguf"));
    m_planner.setModel(&m_setup, std::make_shared<const hearth::Tokenizer>(hearth::Tokenizer::from_gguf(vocab)));
    connect(loop, &AgentLoop::continueRequested, this,
            [this](qint64 conversation, qint64 parent) { reply(conversation, parent); }, Qt::QueuedConnection);
}

QString ScriptedEngine::call(const QString &name, const QString &argumentsJson) {
    return QStringLiteral("<tool_call>\n{\"name\": \"%1\", \"arguments\": %2}\n</tool_call>").arg(name, argumentsJson);
}

qint64 ScriptedEngine::say(qint64 conversationId, const QString &text) {
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
    prompts.push_back(m_planner.plan(history, settings, QString()).prompt);

    const QString raw = outputs.isEmpty() ? QStringLiteral("Done.") : outputs.takeFirst();
    hearth::OutputParserConfig config;
    config.tool_call_format = m_setup.tool_format;
    hearth::OutputParser parser(config);
    parser.feed(raw.toStdString());
    parser.finish();
    const hearth::ParsedOutput &out = parser.result();
    QJsonArray calls;
    for (const hearth::ToolCall &c : out.tool_calls)
        calls.append(QJsonObject{
            {"id", QString::fromStdString(c.id) + QStringLiteral("_%1").arg(id)},
            {"name", QString::fromStdString(c.name)},
            {"arguments", QJsonDocument::fromJson(QByteArray::fromStdString(c.arguments)).object()}});
    ReplyStats stats;
    stats.stopReason = QStringLiteral("eos");
    m_store->finishReply(id, QString::fromStdString(out.content), QString::fromStdString(out.reasoning), calls, stats);
    replies << id;
    if (handOver) m_loop->onReplyFinished(id);
    return id;
}
