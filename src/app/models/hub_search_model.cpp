#include "hub_search_model.h"

namespace Hearth {

QString formatCount(qint64 n) {
    if (n >= 1000000) return QString::number(double(n) / 1e6, 'f', 1) + QLatin1Char('M');
    if (n >= 1000) return QString::number(double(n) / 1e3, 'f', 1) + QLatin1Char('K');
    return QString::number(n);
}

HubSearchModel::HubSearchModel(QObject * parent) : QAbstractListModel(parent) {}

int HubSearchModel::rowCount(const QModelIndex & parent) const {
    return parent.isValid() ? 0 : int(m_results.size());
}

QVariant HubSearchModel::data(const QModelIndex & index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const HubModelSummary & r = m_results[index.row()];
    const qsizetype slash = r.id.indexOf(QLatin1Char('/'));
    switch (role) {
        case Qt::DisplayRole:
        case RepoIdRole:
            return r.id;
        case AuthorRole:
            return slash < 0 ? QString() : r.id.left(slash);
        case RepoNameRole:
            return slash < 0 ? r.id : r.id.mid(slash + 1);
        case DownloadsRole:
            return r.downloads;
        case DownloadsTextRole:
            return formatCount(r.downloads);
        case LikesRole:
            return r.likes;
        case UpdatedRole:
            return r.lastModified;
        case UpdatedTextRole:
            return r.lastModified.isValid() ? r.lastModified.toString(QStringLiteral("yyyy-MM-dd")) : QString();
        case GatedRole:
            return !r.gated.isEmpty();
        case IsPrivateRole:
            return r.isPrivate;
        default:
            return {};
    }
}

QHash<int, QByteArray> HubSearchModel::roleNames() const {
    return {{RepoIdRole, "repoId"},
            {AuthorRole, "author"},
            {RepoNameRole, "repoName"},
            {DownloadsRole, "downloads"},
            {DownloadsTextRole, "downloadsText"},
            {LikesRole, "likes"},
            {UpdatedRole, "updated"},
            {UpdatedTextRole, "updatedText"},
            {GatedRole, "gated"},
            {IsPrivateRole, "isPrivate"}};
}

void HubSearchModel::setResults(const QList<HubModelSummary> & results) {
    const bool countChanges = results.size() != m_results.size();
    beginResetModel();
    m_results = results;
    endResetModel();
    if (countChanges) emit countChanged();
}

QString HubSearchModel::repoIdAt(int row) const {
    return row >= 0 && row < m_results.size() ? m_results[row].id : QString();
}

}  // namespace Hearth
