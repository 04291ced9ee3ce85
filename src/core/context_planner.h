// ContextPlanner: the Qt face of the engine's context policy
// (hearth::PromptPlanner in hearth/chat_prompt.h, which the chat session
// owns): it turns the app's messages and settings into the engine's, and the
// engine's plan into the app's ContextUsage and a refusal sentence.
//
// Part of the engine bridge: it runs on the chat session's worker thread
// (ChatSession::submit_planned / post), never the GUI's.
#pragma once

#include <QList>
#include <QString>
#include <memory>
#include <string>
#include <vector>

#include "core/generation_types.h"
#include "hearth/output_parser.h"

namespace hearth {
struct ChatSetup;
class PromptPlanner;
class Tokenizer;
}  // namespace hearth

namespace Hearth {

struct ContextPlan {
    std::string prompt;              // the rendered prompt (a continued reply's text at its end)
    std::vector<int32_t> promptIds;  // its tokens, BOS included
    ContextUsage usage;
    QString refusal;                    // non-empty: the prompt cannot fit; nothing may be generated
    hearth::OutputParserConfig parser;  // the reply's parser (tool format, reasoning open)
};

class ContextPlanner {
public:
    // The loaded model's template and tokenizer; nullptr for none.
    void setModel(const hearth::ChatSetup * setup, std::shared_ptr<const hearth::Tokenizer> tokenizer);
    // A chat session's own planner (its policy memory stays with the session),
    // not owned; null for none. The bridge plans with it on the session's worker.
    void setPlanner(hearth::PromptPlanner * planner);

    // The prompt for a reply after `history` (root -> the message before the
    // reply), continuing `partial` when it is not empty. `commit` records the
    // choice for the conversation's next prompt; a mere measurement does not.
    // Throws hearth::Error when the template cannot render the messages.
    ContextPlan plan(const QList<Message> & history, const GenerationSettings & settings, const QString & partial,
                     bool commit = true);

    // The tokens kept free for the reply when the policy drops messages.
    static int replyReserve(int contextSize, int maxTokens);

private:
    std::shared_ptr<hearth::PromptPlanner> m_planner;  // null: no model
};

}  // namespace Hearth
