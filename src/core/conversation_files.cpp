#include "core/conversation_files.h"

#include <QDir>
#include <QSaveFile>

#include "core/conversation_store.h"
#include "core/json_exporter.h"
#include "core/json_importer.h"
#include "core/markdown_exporter.h"
#include "hearth/error.h"

namespace Hearth::ConversationFiles {

namespace {

// Every conversation's tree when no ids are given.
QList<qint64> resolveIds(ConversationStore & store, const QList<qint64> & ids) {
    if (!ids.isEmpty()) return ids;
    QList<qint64> all;
    for (const Conversation & c : store.listConversations()) all.append(c.id);
    return all;
}

}  // namespace

void writeFile(const QString & path, const QByteArray & bytes) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
        throw hearth::Error(hearth::ErrorCode_io,
                            QStringLiteral("cannot write %1: %2").arg(path, file.errorString()).toStdString());
}

int exportConversations(ConversationStore & store, const ExportRequest & request, const Progress & progress) {
    if (request.output.isEmpty())
        throw hearth::Error(hearth::ErrorCode_invalid_argument, "export: no output file given");
    const QList<qint64> ids = resolveIds(store, request.conversationIds);
    const int total = int(ids.size());
    const bool oneFile = request.format == Format::Json || (total == 1 && !request.conversationIds.isEmpty());
    if (!oneFile && !QDir().mkpath(request.output))
        throw hearth::Error(hearth::ErrorCode_io,
                            QStringLiteral("cannot create the folder %1").arg(request.output).toStdString());

    QList<ConversationTree> trees;
    const MarkdownExporter::Options options{request.allBranches};
    for (int i = 0; i < total; ++i) {
        ConversationTree tree = store.tree(ids[i]);
        if (request.format == Format::Json)
            trees.append(std::move(tree));
        else if (oneFile)
            writeFile(request.output, MarkdownExporter::render(tree, options).toUtf8());
        else
            writeFile(QDir(request.output).filePath(MarkdownExporter::fileName(tree.conversation)),
                      MarkdownExporter::render(tree, options).toUtf8());
        if (progress) progress(i + 1, total);
    }
    if (request.format == Format::Json) writeFile(request.output, JsonExporter::serialize(trees));
    return total;
}

QList<qint64> importJson(ConversationStore & store, const QString & path) {
    return JsonImporter::importFile(store, path);
}

}  // namespace Hearth::ConversationFiles
