#include "download_list_model.h"

namespace Hearth {

QString formatDuration(qint64 s) {
    if (s < 0) return {};
    if (s < 60) return QStringLiteral("%1 s").arg(s);
    if (s < 3600) return QStringLiteral("%1 min %2 s").arg(s / 60).arg(s % 60);
    return QStringLiteral("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60);
}

namespace {

bool isActive(DownloadState s) {
    return s == DownloadState::Queued || s == DownloadState::Running;
}

}  // namespace

DownloadListModel::DownloadListModel(QObject * parent) : QAbstractListModel(parent) {}

int DownloadListModel::rowCount(const QModelIndex & parent) const {
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant DownloadListModel::data(const QModelIndex & index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const Row & r = m_rows[index.row()];
    const bool running = r.state == DownloadState::Running;
    switch (role) {
        case JobIdRole:
            return r.id;
        case Qt::DisplayRole:
        case NameRole:
            return r.name;
        case BytesDoneRole:
            return r.done;
        case BytesTotalRole:
            return r.total;
        case BytesTextRole:
            return r.total > 0 ? formatBytes(r.done) + QStringLiteral(" / ") + formatBytes(r.total)
                               : formatBytes(r.done);
        case ProgressRole:
            if (r.state == DownloadState::Completed) return 1.0;
            return r.total > 0 ? qBound(0.0, double(r.done) / double(r.total), 1.0) : 0.0;
        case SpeedRole:
            return running ? r.speed : 0.0;
        case SpeedTextRole:
            return running && r.speed > 0 ? formatBytes(qint64(r.speed)) + QStringLiteral("/s") : QString();
        case EtaRole:
            return running ? r.eta : qint64(-1);
        case EtaTextRole:
            return running ? formatDuration(r.eta) : QString();
        case StateRole:
            return int(r.state);
        case StatusRole:
            return downloadStateName(r.state);
        case ErrorRole:
            return r.error;
        case CanPauseRole:
            return isActive(r.state);
        case CanResumeRole:
            return r.state == DownloadState::Paused || r.state == DownloadState::Failed;
        case CanCancelRole:
            return r.state != DownloadState::Completed && r.state != DownloadState::Cancelled;
        case ModelPathRole:
            return r.state == DownloadState::Completed ? r.modelPath : QString();
        default:
            return {};
    }
}

QHash<int, QByteArray> DownloadListModel::roleNames() const {
    return {{JobIdRole, "jobId"},           {NameRole, "name"},           {BytesDoneRole, "bytesDone"},
            {BytesTotalRole, "bytesTotal"}, {BytesTextRole, "bytesText"}, {ProgressRole, "progress"},
            {SpeedRole, "speed"},           {SpeedTextRole, "speedText"}, {EtaRole, "eta"},
            {EtaTextRole, "etaText"},       {StateRole, "downloadState"}, {StatusRole, "status"},
            {ErrorRole, "error"},           {CanPauseRole, "canPause"},   {CanResumeRole, "canResume"},
            {CanCancelRole, "canCancel"},   {ModelPathRole, "modelPath"}};
}

void DownloadListModel::setDownloader(Downloader * downloader) {
    if (m_downloader) disconnect(m_downloader, nullptr, this, nullptr);
    m_downloader = downloader;
    if (!downloader) return;
    connect(downloader, &Downloader::progress, this, &DownloadListModel::onProgress);
    connect(downloader, &Downloader::stateChanged, this, &DownloadListModel::onStateChanged);
    connect(downloader, &Downloader::failed, this, &DownloadListModel::onFailed);
}

void DownloadListModel::track(int jobId) {
    if (!m_downloader || rowOfJob(jobId) >= 0) return;
    Row r;
    r.id = jobId;
    r.name = m_downloader->jobName(jobId);
    r.total = m_downloader->totalBytes(jobId);
    r.state = m_downloader->state(jobId);
    beginInsertRows({}, 0, 0);  // newest first
    m_rows.prepend(r);
    endInsertRows();
    emit countChanged();
    emit activeCountChanged();
}

int DownloadListModel::activeCount() const {
    int n = 0;
    for (const Row & r : m_rows) n += isActive(r.state) ? 1 : 0;
    return n;
}

int DownloadListModel::rowOfJob(int jobId) const {
    for (int i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].id == jobId) return i;
    return -1;
}

void DownloadListModel::pause(int row) {
    if (m_downloader && row >= 0 && row < m_rows.size()) m_downloader->pause(m_rows[row].id);
}

void DownloadListModel::resume(int row) {
    if (m_downloader && row >= 0 && row < m_rows.size()) m_downloader->resume(m_rows[row].id);
}

void DownloadListModel::cancel(int row) {
    if (m_downloader && row >= 0 && row < m_rows.size()) m_downloader->cancel(m_rows[row].id);
}

void DownloadListModel::clearFinished() {
    for (int i = int(m_rows.size()) - 1; i >= 0; --i) {
        const DownloadState s = m_rows[i].state;
        if (s != DownloadState::Completed && s != DownloadState::Cancelled) continue;
        beginRemoveRows({}, i, i);
        m_rows.removeAt(i);
        endRemoveRows();
        emit countChanged();
    }
}

void DownloadListModel::onProgress(int id, qint64 done, qint64 total, double speed, qint64 eta) {
    const int row = rowOfJob(id);
    if (row < 0) return;
    Row & r = m_rows[row];
    r.done = done;
    if (total > 0) r.total = total;
    r.speed = speed;
    r.eta = eta;
    changed(row);
}

void DownloadListModel::onStateChanged(int id, DownloadState state) {
    const int row = rowOfJob(id);
    if (row < 0) return;
    const bool wasActive = isActive(m_rows[row].state);
    m_rows[row].state = state;
    if (state != DownloadState::Failed) m_rows[row].error.clear();
    if (state == DownloadState::Completed && m_rows[row].total > 0) m_rows[row].done = m_rows[row].total;
    changed(row);
    if (wasActive != isActive(state)) emit activeCountChanged();
}

void DownloadListModel::onFailed(int id, const QString & message) {
    const int row = rowOfJob(id);
    if (row < 0) return;
    m_rows[row].error = message;
    changed(row);
}

void DownloadListModel::changed(int row) {
    emit dataChanged(index(row), index(row));
}

void DownloadListModel::setModelPath(int jobId, const QString & path) {
    const int row = rowOfJob(jobId);
    if (row < 0) return;
    m_rows[row].modelPath = path;
    changed(row);
}

}  // namespace Hearth
