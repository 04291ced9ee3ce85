// ConversationFiles: conversations written to and read from files, as the
// app's export/import menu and hearth-cli do it.
//
//   JSON      one file holding every given conversation with all branches
//             (JsonExporter); it imports back without loss.
//   Markdown  one conversation: one file. Several: a folder with one
//             "<id>-<title>.md" per conversation (MarkdownExporter::fileName).
//             The active branch only, or every branch with allBranches.
//
// Files are written through QSaveFile, so a failed export never leaves a
// truncated file where an older good one stood. Errors throw hearth::Error
// with the path in the message. Runs on any thread with its own store.
#pragma once

#include <QList>
#include <QString>
#include <functional>

namespace Hearth {

class ConversationStore;

namespace ConversationFiles {

enum class Format { Markdown, Json };

struct ExportRequest {
    QList<qint64> conversationIds;  // empty: every conversation (not deleted), sidebar order
    Format format = Format::Json;
    bool allBranches = false;  // Markdown only; JSON always has them all
    // A file, or for Markdown with several conversations (or all of them) a
    // folder, created if needed.
    QString output;
};

// done, total
using Progress = std::function<void(int, int)>;

// Returns how many conversations were written.
int exportConversations(ConversationStore & store, const ExportRequest & request, const Progress & progress = {});

// Imports a JSON export; returns the new conversations' ids, in file order.
QList<qint64> importJson(ConversationStore & store, const QString & path);

// Writes `bytes` to `path` atomically; throws on failure.
void writeFile(const QString & path, const QByteArray & bytes);

}  // namespace ConversationFiles
}  // namespace Hearth
