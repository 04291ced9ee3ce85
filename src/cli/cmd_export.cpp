// hearth-cli export: conversations from the app's database as Markdown or JSON.
//
//   hearth-cli export [--db PATH] (--conversation ID | --all) --format md|json [--branches] -o OUT
//
// JSON always holds every branch and can be imported back (hearth-cli import).
// Markdown holds the active branch unless --branches is given; with --all it
// writes one file per conversation into the directory OUT. OUT "-" is stdout
// (one conversation, or JSON).
#include <QCoreApplication>
#include <cstdio>

#include "args.h"
#include "command.h"
#include "core/app_paths.h"
#include "core/conversation_files.h"
#include "core/conversation_store.h"
#include "core/json_exporter.h"
#include "core/markdown_exporter.h"

namespace Hearth::Cli {

namespace {

// "-": the one conversation (or the JSON of them all) on stdout, for pipes.
void printToStdout(ConversationStore & store, const QList<qint64> & ids, bool json, bool branches) {
    QList<ConversationTree> trees;
    if (ids.isEmpty())
        for (const Conversation & c : store.listConversations()) trees.append(store.tree(c.id));
    else
        trees.append(store.tree(ids.first()));
    const QByteArray bytes =
        json ? JsonExporter::serialize(trees)
             : MarkdownExporter::render(trees.first(), MarkdownExporter::Options{branches}).toUtf8();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
}

int runExport(int argc, char ** argv) {
    Args args(argc, argv, {{"--db"}, {"--conversation", "-c"}, {"--format", "-f"}, {"-o", "--output"}},
              {{"--all"}, {"--branches"}});
    if (!args.positional().empty()) throw UsageError("unexpected argument '" + args.positional().front() + "'");
    bool all = args.flag("--all");
    auto conversation = args.value("--conversation");
    if (all == conversation.has_value()) throw UsageError("give either --conversation ID or --all");
    std::string format = args.required("--format");
    if (format != "md" && format != "json") throw UsageError("--format must be md or json, not '" + format + "'");
    QString out = QString::fromStdString(args.required("-o"));
    QString db = QString::fromStdString(args.value("--db", Hearth::databasePath().toStdString()));

    QCoreApplication app(argc, argv);
    ConversationStore store(db);
    const QList<qint64> ids = all ? QList<qint64>{} : QList<qint64>{args.integer("--conversation", 0)};
    if (out == QLatin1String("-")) {
        if (all && format == "md") throw UsageError("--all --format md writes a directory; -o - is not possible");
        printToStdout(store, ids, format == "json", args.flag("--branches"));
        return 0;
    }
    ConversationFiles::ExportRequest request;
    request.conversationIds = ids;
    request.format = format == "json" ? ConversationFiles::Format::Json : ConversationFiles::Format::Markdown;
    request.allBranches = args.flag("--branches");
    request.output = out;
    const int n = ConversationFiles::exportConversations(store, request);
    std::fprintf(stderr, "exported %d conversation(s) to %s\n", n, qPrintable(out));
    return 0;
}

const CommandRegistration kRegistration({"export",
                                         "export [--db PATH] (--conversation ID | --all) --format md|json "
                                         "[--branches] -o OUT",
                                         runExport});

}  // namespace

}  // namespace Hearth::Cli
