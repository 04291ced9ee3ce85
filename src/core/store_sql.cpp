#include "core/store_sql.h"

#include <QAtomicInteger>
#include <QSqlError>

#include "hearth/error.h"

namespace Hearth::StoreSql {

namespace {
[[noreturn]] void fail(const QSqlDatabase &db, const QString &sql, const QSqlError &error) {
    throw hearth::Error(hearth::ErrorCode_io, QStringLiteral("database %1: %2 (in: %3)")
                                                  .arg(db.databaseName(), error.text(), sql.simplified().left(120))
                                                  .toStdString());
}
}  // namespace

void exec(QSqlDatabase &db, const QString &sql) {
    QSqlQuery q(db);
    if (!q.exec(sql)) fail(db, sql, q.lastError());
}

QSqlQuery run(const QSqlDatabase &db, const QString &sql, std::initializer_list<QVariant> values) {
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.prepare(sql)) fail(db, sql, q.lastError());
    for (const QVariant &v : values) q.addBindValue(v);
    if (!q.exec()) fail(db, sql, q.lastError());
    return q;
}

QVariant scalar(const QSqlDatabase &db, const QString &sql, std::initializer_list<QVariant> values,
                const QVariant &fallback) {
    QSqlQuery q = run(db, sql, values);
    return q.next() ? q.value(0) : fallback;
}

namespace {
QAtomicInteger<quint64> s_savepoints;
}

Transaction::Transaction(QSqlDatabase &db)
    : m_db(db), m_name(QStringLiteral("hearth_tx_%1").arg(s_savepoints.fetchAndAddRelaxed(1))) {
    exec(m_db, QStringLiteral("SAVEPOINT ") + m_name);
}

Transaction::~Transaction() {
    if (m_done) return;
    QSqlQuery q(m_db);
    q.exec(QStringLiteral("ROLLBACK TO ") + m_name);
    q.exec(QStringLiteral("RELEASE ") + m_name);
}

void Transaction::commit() {
    exec(m_db, QStringLiteral("RELEASE ") + m_name);
    m_done = true;
}

}  // namespace Hearth::StoreSql
