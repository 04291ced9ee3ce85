// MarkdownExporter: a conversation as a Markdown document people can read.
//
// Layout: YAML front matter (title, model, dates, pinned, system prompt,
// sampling settings), a `# title` heading, then one `## Role` heading per
// message. Reasoning goes in a collapsed
// `<details><summary>Thinking</summary>` block before the answer (its summary
// reads "Thought for 12 s" when the thinking time was measured), tool calls
// as fenced JSON, a tool message folded in `<details>` (the text the model
// read, then the stored result as JSON), and a reply's model and speed in an
// italic line under it.
//
// By default only the active branch (root -> active leaf) is written. With
// allBranches every message is written depth first, numbered `[n]`, and a
// heading says which message it answers when that is not the one just above
// and which branch it is ("branch 2 of 3"); the active path is marked.
#pragma once

#include <QString>

#include "core/conversation_types.h"

namespace Hearth {

class MarkdownExporter {
public:
    struct Options {
        bool allBranches = false;
    };

    static QString render(const ConversationTree & tree, const Options & options);
    static QString render(const ConversationTree & tree) { return render(tree, Options{}); }
    // "<id>-<title words>.md", safe on every file system.
    static QString fileName(const Conversation & conversation);
};

// The messages root -> active leaf, from a tree held in memory.
QList<Message> activePathOf(const ConversationTree & tree);

}  // namespace Hearth
