#include "scripted_model.h"

#include <QJsonDocument>
#include <QJsonObject>

#include "common/fixtures.h"
#include "hearth/chat_template.h"
#include "hearth/gguf.h"
#include "hearth/output_parser.h"
#include "hearth/tokenizer.h"

using namespace Hearth;

ScriptedModel::ScriptedModel() {
    m_setup.chat_template = std::make_shared<const hearth::ChatTemplate>(
        hearth::ChatTemplate::from_file(hearth_test::fixture("templates/source/Qwen-Qwen3-0.6B.jinja")));
    m_setup.tool_format = hearth::ToolCallFormat_hermes;
    m_setup.special.eos = "<|im_end|>";
    m_setup.n_ctx_train = 32768;
    m_setup.n_ctx = 32768;
    const hearth::GgufFile vocab = hearth::GgufFile::open(hearth_test::fixture("vocab/ggml-vocab-qwen2.gguf"));
    m_planner.setModel(&m_setup, std::make_shared<const hearth::Tokenizer>(hearth::Tokenizer::from_gguf(vocab)));
}

QString ScriptedModel::call(const QString & name, const QString & argumentsJson) {
    return QStringLiteral("<tool_call>\n{\"name\": \"%1\", \"arguments\": %2}\n</tool_call>").arg(name, argumentsJson);
}

std::string ScriptedModel::render(const QList<Message> & history, const GenerationSettings & settings) {
    return m_planner.plan(history, settings, QString()).prompt;
}

ScriptedModel::Reply ScriptedModel::parse(const QString & raw, qint64 idSuffix) const {
    // Only the format: a call to a tool the chat does not offer still parses
    // as a call, so the tests can check that the loop refuses it.
    hearth::OutputParserConfig config;
    config.tool_call_format = m_setup.tool_format;
    hearth::OutputParser parser(config);
    parser.feed(raw.toStdString());
    parser.finish();
    const hearth::ParsedOutput & out = parser.result();
    Reply reply;
    reply.content = QString::fromStdString(out.content);
    reply.reasoning = QString::fromStdString(out.reasoning);
    for (const hearth::ToolCall & c : out.tool_calls)
        reply.toolCalls.append(
            QJsonObject{{"id", QString::fromStdString(c.id) + QStringLiteral("_%1").arg(idSuffix)},
                        {"name", QString::fromStdString(c.name)},
                        {"arguments", QJsonDocument::fromJson(QByteArray::fromStdString(c.arguments)).object()}});
    return reply;
}
