// hearth-cli import: adds the conversations of a JSON export (hearth-cli
// export --format json) to the app's database. Ids are reassigned, so
// importing into a database that already has conversations is safe.
#include <QCoreApplication>
#include <cstdio>

#include "args.h"
#include "command.h"
#include "core/app_paths.h"
#include "core/conversation_store.h"
#include "core/json_importer.h"

namespace Hearth::Cli {

namespace {

int runImport(int argc, char ** argv) {
    Args args(argc, argv, {{"--db"}}, {});
    if (args.positional().size() != 1) throw UsageError("give one FILE.json");
    QString file = QString::fromStdString(args.positional().front());
    QString db = QString::fromStdString(args.value("--db", Hearth::databasePath().toStdString()));

    QCoreApplication app(argc, argv);
    ConversationStore store(db);
    QList<qint64> ids = JsonImporter::importFile(store, file);
    int messages = 0;
    for (qint64 id : ids) messages += int(store.messages(id).size());
    std::printf("imported %lld conversation(s), %d message(s) into %s\n", static_cast<long long>(ids.size()), messages,
                qPrintable(db));
    return 0;
}

const CommandRegistration kRegistration({"import", "import FILE.json [--db PATH]", runImport});

}  // namespace

}  // namespace Hearth::Cli
