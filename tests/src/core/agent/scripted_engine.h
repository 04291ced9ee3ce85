// ScriptedEngine: stands in for the model in the agent-loop tests.
//
// For each reply the loop asks for, it renders the prompt the real way (a
// ScriptedModel: the Qwen3 chat template with the chat's tools), records it,
// then "generates" the next scripted raw output, parsed as a model's would
// be. The reply is stored (on this connection, as the chat's store thread
// would) and handed to the loop, which reads it on its own StoreWorker;
// reply() returns once the loop has read it.
#pragma once

#include <QObject>
#include <QStringList>
#include <memory>
#include <string>
#include <vector>

#include "core/agent_loop.h"
#include "core/conversation_store.h"
#include "scripted_model.h"

class ScriptedEngine : public QObject {
    Q_OBJECT
public:
    ScriptedEngine(Hearth::ConversationStore * store, Hearth::AgentLoop * loop);

    QStringList outputs;               // raw outputs, used in order; then "Done."
    std::vector<std::string> prompts;  // every rendered prompt, in order
    QList<qint64> replies;             // every reply stored, in order
    bool handOver = true;              // give finished replies to the loop

    // Stores a user message under the active leaf and replies to it.
    qint64 say(qint64 conversationId, const QString & text);
    // One reply under `parentId`.
    qint64 reply(qint64 conversationId, qint64 parentId);

    // A Qwen-style call: <tool_call>{"name":..,"arguments":..}</tool_call>.
    static QString call(const QString & name, const QString & argumentsJson);

private:
    Hearth::ConversationStore * m_store;
    Hearth::AgentLoop * m_loop;
    ScriptedModel m_model;
};
