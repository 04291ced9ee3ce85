#include "core/store_sql.h"

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

Transaction::Transaction(QSqlDatabase &db) : m_db(db) {
    if (!m_db.transaction()) fail(m_db, QStringLiteral("BEGIN"), m_db.lastError());
}

Transaction::~Transaction() {
    if (!m_done) m_db.rollback();
}

void Transaction::commit() {
    if (!m_db.commit()) fail(m_db, QStringLiteral("COMMIT"), m_db.lastError());
    m_done = true;
}

}  // namespace Hearth::StoreSql
