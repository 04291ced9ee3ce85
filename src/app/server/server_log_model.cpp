#include "server_log_model.h"

namespace Hearth {

ServerLogModel::ServerLogModel(QObject * parent) : QAbstractListModel(parent) {}

int ServerLogModel::rowCount(const QModelIndex & parent) const {
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant ServerLogModel::data(const QModelIndex & index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const ServerLogRow & r = m_rows.at(index.row());
    switch (role) {
        case TimeRole:
            return r.time.toString(QStringLiteral("HH:mm:ss"));
        case MethodRole:
            return r.method;
        case Qt::DisplayRole:
        case PathRole:
            return r.path;
        case StatusRole:
            return r.status;
        case DurationRole:
            return r.durationMs;
        case RemoteRole:
            return r.remote;
        case OkRole:
            return r.status > 0 && r.status < 400;
        default:
            return {};
    }
}

QHash<int, QByteArray> ServerLogModel::roleNames() const {
    return {{TimeRole, "time"},           {MethodRole, "method"}, {PathRole, "path"}, {StatusRole, "status"},
            {DurationRole, "durationMs"}, {RemoteRole, "remote"}, {OkRole, "ok"}};
}

void ServerLogModel::append(const ServerLogRow & row) {
    if (m_rows.size() >= kMaxRows) {
        beginRemoveRows(QModelIndex(), 0, 0);
        m_rows.removeFirst();
        endRemoveRows();
    }
    beginInsertRows(QModelIndex(), int(m_rows.size()), int(m_rows.size()));
    m_rows.append(row);
    endInsertRows();
    emit countChanged();
}

void ServerLogModel::clear() {
    if (m_rows.isEmpty()) return;
    beginResetModel();
    m_rows.clear();
    endResetModel();
    emit countChanged();
}

}  // namespace Hearth
