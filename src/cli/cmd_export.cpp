// hearth-cli export: conversations from the app's database as Markdown or JSON.
//
//   hearth-cli export [--db PATH] (--conversation ID | --all) --format md|json [--branches] -o OUT
//
// JSON always holds every branch and can be imported back (hearth-cli import).
// Markdown holds the active branch unless --branches is given; with --all it
// writes one file per conversation into the directory OUT. OUT "-" is stdout
// (one conversation, or JSON).
#include <QCoreApplication>
#include <QDir>
#include <QSaveFile>
#include <cstdio>

#include "args.h"
#include "command.h"
#include "core/app_paths.h"
#include "core/conversation_store.h"
#include "core/json_exporter.h"
#include "core/markdown_exporter.h"
#include "hearth/error.h"

namespace Hearth::Cli {

namespace {

void writeOut(const QString &path, const QByteArray &bytes) {
    if (path == QLatin1String("-")) {
        std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
        return;
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
        throw hearth::Error(hearth::ErrorCode_io,
                            QStringLiteral("cannot write %1: %2").arg(path, file.errorString()).toStdString());
}

int runExport(int argc, char **argv) {
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
    QList<ConversationTree> trees;
    if (all) {
        for (const Conversation &c : store.listConversations()) trees.append(store.tree(c.id));
    } else {
        trees.append(store.tree(args.integer("--conversation", 0)));
    }

    if (format == "json") {
        writeOut(out, JsonExporter::serialize(trees));
    } else if (!all) {
        MarkdownExporter::Options options{args.flag("--branches")};
        writeOut(out, MarkdownExporter::render(trees.first(), options).toUtf8());
    } else {
        if (out == QLatin1String("-")) throw UsageError("--all --format md writes a directory; -o - is not possible");
        if (!QDir().mkpath(out))
            throw hearth::Error(hearth::ErrorCode_io, QStringLiteral("cannot create %1").arg(out).toStdString());
        MarkdownExporter::Options options{args.flag("--branches")};
        for (const ConversationTree &t : trees)
            writeOut(QDir(out).filePath(MarkdownExporter::fileName(t.conversation)),
                     MarkdownExporter::render(t, options).toUtf8());
    }
    if (out != QLatin1String("-"))
        std::fprintf(stderr, "exported %lld conversation(s) to %s\n", static_cast<long long>(trees.size()),
                     qPrintable(out));
    return 0;
}

const CommandRegistration kRegistration({"export",
                                         "export [--db PATH] (--conversation ID | --all) --format md|json "
                                         "[--branches] -o OUT",
                                         runExport});

}  // namespace

}  // namespace Hearth::Cli
