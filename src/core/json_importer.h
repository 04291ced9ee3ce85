// JsonImporter: reads the format JsonExporter writes (see json_exporter.h)
// and adds the conversations to a store.
//
// The whole file is validated before anything is written: a malformed file
// throws hearth::Error(ErrorCode_format) naming the file and the JSON path of
// the bad value (e.g. "conversations[1].messages[4].role: unknown role 'bot'"),
// and the import itself runs one transaction per conversation.
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include "core/conversation_types.h"

namespace Hearth {

class ConversationStore;

class JsonImporter {
public:
    // `sourceName` (a file name) prefixes error messages.
    static QList<ConversationTree> parse(const QByteArray & json, const QString & sourceName);
    // Returns the new conversation ids, in file order.
    static QList<qint64> importInto(ConversationStore & store, const QList<ConversationTree> & trees);
    static QList<qint64> importFile(ConversationStore & store, const QString & path);
};

}  // namespace Hearth
