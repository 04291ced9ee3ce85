#include "core/store_sql.h"

#include <QAtomicInteger>
#include <QHash>
#include <QSqlError>

#include "hearth/error.h"

namespace Hearth::StoreSql {

namespace {
[[noreturn]] void fail(const QSqlDatabase & db, const QString & sql, const QSqlError & error) {
    throw hearth::Error(hearth::ErrorCode_io, QStringLiteral("database %1: %2 (in: %3)")
                                                  .arg(db.databaseName(), error.text(), sql.simplified().left(120))
                                                  .toStdString());
}
}  // namespace

void exec(QSqlDatabase & db, const QString & sql) {
    QSqlQuery q(db);
    if (!q.exec(sql)) fail(db, sql, q.lastError());
}

QSqlQuery run(const QSqlDatabase & db, const QString & sql, std::initializer_list<QVariant> values) {
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.prepare(sql)) fail(db, sql, q.lastError());
    for (const QVariant & v : values) q.addBindValue(v);
    if (!q.exec()) fail(db, sql, q.lastError());
    return q;
}

QVariant scalar(const QSqlDatabase & db, const QString & sql, std::initializer_list<QVariant> values,
                const QVariant & fallback) {
    QSqlQuery q = run(db, sql, values);
    return q.next() ? q.value(0) : fallback;
}

namespace {
QAtomicInteger<quint64> s_savepoints;
// Open transactions per connection. A connection belongs to one thread, so
// this thread's map is the whole truth for the connections it uses.
thread_local QHash<QString, int> t_depth;
}  // namespace

// The outermost transaction takes the write lock at once (BEGIN IMMEDIATE),
// waiting for another connection's lock up to busy_timeout. A deferred one
// (a bare SAVEPOINT) that reads first and then writes would be refused at the
// write with "database is locked" at once, without waiting: SQLite does not
// wait to upgrade a read transaction. Inner ones are savepoints.
Transaction::Transaction(QSqlDatabase & db)
    : m_db(db), m_name(QStringLiteral("hearth_tx_%1").arg(s_savepoints.fetchAndAddRelaxed(1))) {
    int & depth = t_depth[m_db.connectionName()];
    m_outer = depth == 0;
    exec(m_db, m_outer ? QStringLiteral("BEGIN IMMEDIATE") : QStringLiteral("SAVEPOINT ") + m_name);
    ++depth;
}

Transaction::~Transaction() {
    if (m_done) return;
    end();
    QSqlQuery q(m_db);
    if (m_outer) {
        q.exec(QStringLiteral("ROLLBACK"));
        return;
    }
    q.exec(QStringLiteral("ROLLBACK TO ") + m_name);
    q.exec(QStringLiteral("RELEASE ") + m_name);
}

void Transaction::commit() {
    exec(m_db, m_outer ? QStringLiteral("COMMIT") : QStringLiteral("RELEASE ") + m_name);
    m_done = true;
    end();
}

void Transaction::end() {
    const QString connection = m_db.connectionName();
    if (--t_depth[connection] <= 0) t_depth.remove(connection);
}

}  // namespace Hearth::StoreSql
