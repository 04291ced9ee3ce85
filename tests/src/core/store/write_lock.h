// WriteLock: another connection (as another process would have) holding the
// database's write lock with BEGIN IMMEDIATE until released, so writes on the
// app's connections wait on it (up to their busy_timeout).
#pragma once

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>

namespace StoreTest {

class WriteLock {
public:
    explicit WriteLock(const QString & path) {
        m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("write-lock"));
        m_db.setDatabaseName(path);
        m_held = m_db.open() && QSqlQuery(m_db).exec(QStringLiteral("BEGIN IMMEDIATE"));
    }
    WriteLock(const WriteLock &) = delete;
    WriteLock & operator=(const WriteLock &) = delete;
    ~WriteLock() {
        release();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("write-lock"));
    }
    bool held() const { return m_held; }
    void release() {
        if (!m_db.isOpen()) return;
        QSqlQuery(m_db).exec(QStringLiteral("COMMIT"));
        m_db.close();
    }

private:
    QSqlDatabase m_db;
    bool m_held = false;
};

}  // namespace StoreTest
