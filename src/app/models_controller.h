// ModelsController: the Models page's logic. Owns the local library, the Hub
// client and the downloader, and exposes them to QML as list models.
//
// The GUI thread never waits on the network or the disk: searches, repository
// listings and library scans run on the controller's own thread pool and hand
// their results back through queued calls. A request superseded by a newer
// one (the user typed again, opened another repo) is dropped when it lands.
// A finished download rescans the library, which emits libraryChanged so the
// chat UI's model picker shows the new model.
//
// QML creates one per page (`ModelsController { }`); call rescan() once it is
// set up (ModelsPage does so in Component.onCompleted).
#pragma once

#include <QtQml/qqmlregistration.h>

#include <QObject>
#include <QThreadPool>

#include "core/downloader.h"
#include "core/hub_client.h"
#include "core/model_library.h"
#include "download_list_model.h"
#include "hub_file_model.h"
#include "hub_search_model.h"
#include "model_library_model.h"

namespace Hearth {

class ModelsController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(Hearth::ModelLibraryModel * library READ library CONSTANT)
    Q_PROPERTY(Hearth::HubSearchModel * searchResults READ searchResults CONSTANT)
    Q_PROPERTY(Hearth::HubFileModel * repoFiles READ repoFiles CONSTANT)
    Q_PROPERTY(Hearth::DownloadListModel * downloads READ downloads CONSTANT)
    Q_PROPERTY(QStringList modelDirs READ modelDirs WRITE setModelDirs NOTIFY modelDirsChanged)
    Q_PROPERTY(QString endpoint READ endpoint WRITE setEndpoint NOTIFY endpointChanged)
    Q_PROPERTY(bool scanning READ scanning NOTIFY scanningChanged)
    Q_PROPERTY(bool searching READ searching NOTIFY searchingChanged)
    Q_PROPERTY(bool loadingFiles READ loadingFiles NOTIFY loadingFilesChanged)
    Q_PROPERTY(QString lastQuery READ lastQuery NOTIFY searchingChanged)
    Q_PROPERTY(QString searchError READ searchError NOTIFY searchingChanged)
    Q_PROPERTY(QString currentRepo READ currentRepo NOTIFY currentRepoChanged)
    Q_PROPERTY(QString currentRevision READ currentRevision NOTIFY loadingFilesChanged)
    Q_PROPERTY(QString repoError READ repoError NOTIFY loadingFilesChanged)
    Q_PROPERTY(QString memorySummary READ memorySummary NOTIFY budgetChanged)
public:
    explicit ModelsController(QObject * parent = nullptr);
    ~ModelsController() override;

    ModelLibraryModel * library() { return &m_library; }
    HubSearchModel * searchResults() { return &m_search; }
    HubFileModel * repoFiles() { return &m_files; }
    DownloadListModel * downloads() { return &m_downloads; }
    Downloader * downloader() { return &m_downloader; }

    QStringList modelDirs() const { return m_libraryDirs.dirs(); }
    void setModelDirs(const QStringList & dirs);
    QString endpoint() const { return m_hub.endpoint(); }
    void setEndpoint(const QString & url);
    void setBudget(const MemoryBudget & budget);  // tests: a fixed machine
    MemoryBudget budget() const { return m_budget; }

    bool scanning() const { return m_scanning; }
    bool searching() const { return m_searching; }
    bool loadingFiles() const { return m_loadingFiles; }
    QString lastQuery() const { return m_lastQuery; }
    QString searchError() const { return m_searchError; }
    QString currentRepo() const { return m_currentRepo; }
    QString currentRevision() const { return m_currentRevision; }
    QString repoError() const { return m_repoError; }
    QString memorySummary() const;

    Q_INVOKABLE void rescan();
    Q_INVOKABLE void search(const QString & text);
    Q_INVOKABLE void openRepo(const QString & repo);
    Q_INVOKABLE void closeRepo();
    // Starts downloading the current repo's file group at `row`; returns the job id, or -1.
    Q_INVOKABLE int download(int row);
    // The QML asks the user first; this deletes at once.
    Q_INVOKABLE bool deleteModel(int row);
    // A local file path or file:// URL; copy or symlink into the first folder.
    Q_INVOKABLE bool importModel(const QString & pathOrUrl, bool copy);

signals:
    void libraryChanged();
    void modelDirsChanged();
    void endpointChanged();
    void scanningChanged();
    void searchingChanged();
    void loadingFilesChanged();
    void currentRepoChanged();
    void budgetChanged();
    void errorOccurred(const QString & message);
    void downloadFinished(const QString & name, const QString & path);

private:
    void applyScan(const QList<LocalModel> & models, const MemoryBudget & probed);
    void onDownloadFinished(int id, const QStringList & paths);
    void refreshLocalNames();

    ModelLibrary m_libraryDirs;
    HubClient m_hub;
    Downloader m_downloader;
    ModelLibraryModel m_library;
    HubSearchModel m_search;
    HubFileModel m_files;
    DownloadListModel m_downloads;
    MemoryBudget m_budget;
    bool m_fixedBudget = false;

    bool m_scanning = false;
    bool m_rescanPending = false;
    bool m_searching = false;
    bool m_loadingFiles = false;
    int m_searchSerial = 0;
    int m_repoSerial = 0;
    QString m_lastQuery;
    QString m_searchError;
    QString m_currentRepo;
    QString m_currentRevision;
    QString m_repoError;
    QThreadPool m_pool;  // last member: destroyed (and waited for) first
};

}  // namespace Hearth
