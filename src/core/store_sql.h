// Small QtSql helpers for the conversation store: statements that throw
// hearth::Error (ErrorCode_io) naming the failed SQL, and an RAII transaction.
#pragma once

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QVariant>
#include <initializer_list>

namespace Hearth::StoreSql {

// A string bound as '' rather than NULL when it is null (the TEXT columns are NOT NULL).
inline QVariant text(const QString & s) {
    return s.isNull() ? QVariant(QStringLiteral("")) : QVariant(s);
}

// Runs one statement (no bound values); throws with the driver's message.
void exec(QSqlDatabase & db, const QString & sql);

// Prepares `sql`, binds `values` positionally and runs it; throws on failure.
QSqlQuery run(const QSqlDatabase & db, const QString & sql, std::initializer_list<QVariant> values = {});

// The first column of the first row, or `fallback` when there is no row.
QVariant scalar(const QSqlDatabase & db, const QString & sql, std::initializer_list<QVariant> values = {},
                const QVariant & fallback = {});

// Commits on commit(); rolls back when destroyed without it (an exception).
// The outermost one is BEGIN IMMEDIATE (it waits for another connection's
// write lock up to busy_timeout); inner ones are SAVEPOINTs, so transactions
// nest: an operation that needs one can run alone or inside a caller's bulk
// transaction (import, benchmark). Same thread as the connection.
class Transaction {
public:
    explicit Transaction(QSqlDatabase & db);
    ~Transaction();
    void commit();
    Transaction(const Transaction &) = delete;
    Transaction & operator=(const Transaction &) = delete;

private:
    void end();  // this transaction no longer counts as open on its connection

    QSqlDatabase & m_db;
    QString m_name;
    bool m_outer = false;  // BEGIN IMMEDIATE, not a savepoint
    bool m_done = false;
};

}  // namespace Hearth::StoreSql
