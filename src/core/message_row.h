// The messages table's columns as the store reads them (alias `m`), and one
// result row turned into a Message. Shared by the store's message-tree
// queries (conversation_store_messages.cpp) and its branch loader
// (conversation_store_branch.cpp).
#pragma once

#include <QSqlQuery>
#include <QString>

#include "core/conversation_types.h"

namespace Hearth::MessageRow {

// "m.id, m.conversation_id, ..." in the order fromQuery() reads (21 columns).
const QString & columns();
constexpr int kColumnCount = 21;

// Reads columns 0..20 of the current row.
Message fromQuery(const QSqlQuery & q);

}  // namespace Hearth::MessageRow
