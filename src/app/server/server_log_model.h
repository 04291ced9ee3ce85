// ServerLogModel: the local server's request log for the Server panel, newest
// last, capped so that a busy server cannot grow it without bound.
//
// Roles (QML names): time ("14:03:07"), method ("POST"), path
// ("/v1/chat/completions"), status (200), durationMs (812.5), remote
// ("127.0.0.1:53412"), ok (status < 400).
#pragma once

#include <QtQml/qqmlregistration.h>

#include <QAbstractListModel>
#include <QDateTime>
#include <QList>

namespace Hearth {

struct ServerLogRow {
    QDateTime time;
    QString method;
    QString path;
    int status = 0;
    double durationMs = 0.0;
    QString remote;
};

class ServerLogModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("ServerController owns the request log")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Role {
        TimeRole = Qt::UserRole + 1,
        MethodRole,
        PathRole,
        StatusRole,
        DurationRole,
        RemoteRole,
        OkRole,
    };
    static constexpr int kMaxRows = 500;

    explicit ServerLogModel(QObject * parent = nullptr);

    int rowCount(const QModelIndex & parent = QModelIndex()) const override;
    QVariant data(const QModelIndex & index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void append(const ServerLogRow & row);
    Q_INVOKABLE void clear();

signals:
    void countChanged();

private:
    QList<ServerLogRow> m_rows;
};

}  // namespace Hearth
