// The conversation database's schema and its migrations.
//
// The version lives in `PRAGMA user_version`. Each version is one migration
// step, run in its own transaction, so a database at any earlier version is
// brought forward step by step (and a failed step leaves it at the previous
// version). Released steps must never be edited; add a new one instead.
//
//   v1  conversations, messages (a tree through parent_id), list indexes
//   v2  messages_fts: FTS5 over content and reasoning, kept in sync by triggers
//   v3  conversations.deleted_at: soft delete, so the UI can undo a delete
//   v4  messages.thinking_ms: how long the model spent in its reasoning block
//   v5  conversation_tools: a chat's tool choices (offered to the model, always allowed)
//   v6  conversations.imported_at: when an import brought it in (NULL otherwise)
#pragma once

#include <QSqlDatabase>

namespace Hearth::StoreSchema {

inline constexpr int kLatestVersion = 6;

int version(QSqlDatabase & db);

// Runs the steps from the current version up to `target`. Throws hearth::Error
// when a step fails or the file is newer than this build understands.
void migrate(QSqlDatabase & db, int target = kLatestVersion);

}  // namespace Hearth::StoreSchema
