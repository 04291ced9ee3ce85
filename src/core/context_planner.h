// ContextPlanner: turns a chat's history into the prompt the engine gets,
// fitted into the model's context by the chat's overflow policy
// (hearth::choose_context_window): rolling window, truncate middle, or stop.
//
// Tokens are counted the way the session will see them: the messages
// rendered with the model's chat template (hearth::ChatSetup), then tokenized
// with BOS and special tokens. The prompt's ids go to the engine as they are,
// so nothing is tokenized twice.
//
// Part of the engine bridge: it runs on the bridge thread, never the GUI's.
// It remembers per conversation how many turns the last prompt left out
// (`previous_dropped`), so the next prompt keeps the same prefix and the
// session reuses its cache until the context is full again.
#pragma once

#include <QHash>
#include <QList>
#include <QString>
#include <memory>
#include <string>
#include <vector>

#include "core/generation_types.h"

namespace hearth {
struct ChatSetup;
class Tokenizer;
}  // namespace hearth

namespace Hearth {

struct ContextPlan {
    std::string prompt;               // the rendered prompt (a continued reply's text at its end)
    std::vector<int32_t> promptIds;   // its tokens, BOS included
    ContextUsage usage;
    QString refusal;                  // non-empty: the prompt cannot fit; nothing may be generated
};

class ContextPlanner {
public:
    // The loaded model's template and tokenizer; nullptr for none.
    void setModel(const hearth::ChatSetup *setup, std::shared_ptr<const hearth::Tokenizer> tokenizer);

    // The prompt for a reply after `history` (root -> the message before the
    // reply), continuing `partial` when it is not empty. `commit` records the
    // choice for the conversation's next prompt; a mere measurement does not.
    // Throws hearth::Error when the template cannot render the messages.
    ContextPlan plan(const QList<Message> &history, const GenerationSettings &settings, const QString &partial,
                     bool commit = true);

    // The tokens kept free for the reply when the policy drops messages.
    static int replyReserve(int contextSize, int maxTokens);

private:
    const hearth::ChatSetup *m_setup = nullptr;
    std::shared_ptr<const hearth::Tokenizer> m_tokenizer;
    QHash<qint64, int> m_dropped;  // conversation id -> turns its last prompt left out
};

}  // namespace Hearth
