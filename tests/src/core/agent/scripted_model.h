// ScriptedModel: the "model" half of the agent tests' scripted engines.
//
// It renders a reply's prompt the real way (ContextPlanner over the Qwen3
// chat template and the Qwen2 vocabulary, with the request's tools in the
// template's `tools`), and turns a scripted raw output into what a model's
// reply holds: hearth::OutputParser with the Hermes/Qwen tool-call format,
// so a `<tool_call>` block becomes a call exactly as a model's would.
#pragma once

#include <QJsonArray>
#include <QList>
#include <QString>
#include <string>

#include "core/context_planner.h"
#include "core/generation_types.h"
#include "hearth/chat_setup.h"

class ScriptedModel {
public:
    ScriptedModel();

    struct Reply {
        QString content;
        QString reasoning;
        QJsonArray toolCalls;  // [{"id","name","arguments"}], as the app stores them
    };

    // The prompt for a reply after `history` (root -> the message before the reply).
    std::string render(const QList<Hearth::Message> & history, const Hearth::GenerationSettings & settings);
    // `raw` parsed as the model's output; call ids get "_<idSuffix>" so they are unique in a chat.
    Reply parse(const QString & raw, qint64 idSuffix) const;

    // A Qwen-style call: <tool_call>{"name":..,"arguments":..}</tool_call>.
    static QString call(const QString & name, const QString & argumentsJson);

private:
    hearth::ChatSetup m_setup;
    Hearth::ContextPlanner m_planner;
};
