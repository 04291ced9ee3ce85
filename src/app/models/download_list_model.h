// DownloadListModel: the downloads panel, one row per Downloader job, fed by
// the Downloader's (already throttled) signals. Rows stay after a job ends so
// the user sees what finished or failed; clearFinished() drops them.
//
// Roles (QML names):
//   jobId        int
//   name         QString  "owner/repo Q4_K_M"
//   bytesDone    qint64
//   bytesTotal   qint64   -1 when unknown
//   bytesText    QString  "1.2 GiB / 4.1 GiB"
//   progress     double   0..1 (0 while the total is unknown)
//   speed        double   bytes per second
//   speedText    QString  "12.3 MiB/s"; "" when not running
//   eta          qint64   seconds; -1 when unknown
//   etaText      QString  "3 min 20 s"; "" when unknown
//   downloadState int     the DownloadState (QML: Download.Running, Download.Paused, ...)
//   status       QString  its text, downloadStateName(): "queued", "running", "paused", ...
//   error        QString  why it failed; "" otherwise
//   canPause     bool     queued or running
//   canResume    bool     paused or failed (resumes from the .part)
//   canCancel    bool     not yet completed or cancelled
//   modelPath    QString  the downloaded model (first shard) once completed, to load; else ""
#pragma once

#include <QtQml/qqmlregistration.h>

#include <QAbstractListModel>
#include <QPointer>

#include "core/downloader.h"

namespace Hearth {

QString formatDuration(qint64 seconds);  // 200 -> "3 min 20 s"

class DownloadListModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by ModelsController")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
    Q_PROPERTY(int activeCount READ activeCount NOTIFY activeCountChanged)
public:
    enum Role {
        JobIdRole = Qt::UserRole + 1,
        NameRole,
        BytesDoneRole,
        BytesTotalRole,
        BytesTextRole,
        ProgressRole,
        SpeedRole,
        SpeedTextRole,
        EtaRole,
        EtaTextRole,
        StateRole,
        StatusRole,
        ErrorRole,
        CanPauseRole,
        CanResumeRole,
        CanCancelRole,
        ModelPathRole,
    };

    explicit DownloadListModel(QObject * parent = nullptr);

    int rowCount(const QModelIndex & parent = {}) const override;
    QVariant data(const QModelIndex & index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setDownloader(Downloader * downloader);
    // Adds a row for a job just started on the downloader.
    void track(int jobId);
    int activeCount() const;
    int rowOfJob(int jobId) const;

    Q_INVOKABLE void pause(int row);
    Q_INVOKABLE void resume(int row);
    Q_INVOKABLE void cancel(int row);
    Q_INVOKABLE void clearFinished();
    // The finished job's model file, for the row's "Load" / "Chat with it".
    void setModelPath(int jobId, const QString & path);

signals:
    void countChanged();
    void activeCountChanged();

private:
    struct Row {
        int id = 0;
        QString name;
        qint64 done = 0;
        qint64 total = -1;
        double speed = 0;
        qint64 eta = -1;
        DownloadState state = DownloadState::Queued;
        QString error;
        QString modelPath;
    };
    void onProgress(int id, qint64 done, qint64 total, double speed, qint64 eta);
    void onStateChanged(int id, DownloadState state);
    void onFailed(int id, const QString & message);
    void changed(int row);

    QPointer<Downloader> m_downloader;
    QList<Row> m_rows;
};

}  // namespace Hearth
