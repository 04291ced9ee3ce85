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
// A repository's GGUF files get their fit badge from the memory planner run
// on each file's header, fetched with Range requests on a one-thread pool
// (model_footprint.h); local models get theirs during the scan, which also
// feeds modelPlan(), the placement shown in a model's load settings.
//
// The library folders are watched (LibraryWatcher): a model copied in,
// deleted or renamed outside the app rescans the library by itself.
//
// Settings (AppSettings): the Hugging Face token, the library folders and each
// model's load settings persist in the app's settings file. The token from
// the settings is used only when HF_TOKEN is unset, and QML only ever sees it
// masked.
//
// QML creates one per page (`ModelsController { }`); call loadSettings() once
// it is set up (ModelsPage does so in Component.onCompleted): it applies the
// saved folders and token and scans the library.
#pragma once

#include <QtQml/qqmlregistration.h>

#include <QHash>
#include <QObject>
#include <QThreadPool>
#include <QVariantMap>
#include <atomic>
#include <functional>

#include "core/app_settings.h"
#include "core/downloader.h"
#include "core/gpu_choices.h"
#include "core/hub_client.h"
#include "core/model_library.h"
#include "download_list_model.h"
#include "hub_file_model.h"
#include "hub_search_model.h"
#include "library_watcher.h"
#include "model_library_model.h"
#include "suggestion_list_model.h"

namespace Hearth {

class ModelsController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(Hearth::ModelLibraryModel * library READ library CONSTANT)
    Q_PROPERTY(Hearth::HubSearchModel * searchResults READ searchResults CONSTANT)
    Q_PROPERTY(Hearth::HubFileModel * repoFiles READ repoFiles CONSTANT)
    Q_PROPERTY(Hearth::DownloadListModel * downloads READ downloads CONSTANT)
    // Curated picks that fit this machine, for the Browse tab before a search.
    Q_PROPERTY(Hearth::SuggestionListModel * suggestions READ suggestions CONSTANT)
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
    // "CPU only: <why>" or "GPU: 7.5 GiB VRAM free"
    Q_PROPERTY(QString gpuStatus READ gpuStatus NOTIFY budgetChanged)
    // "downloads", "likes", "lastModified", "trendingScore": the Hub's sort keys
    Q_PROPERTY(QString searchSort READ searchSort WRITE setSearchSort NOTIFY searchSortChanged)
    Q_PROPERTY(bool hasToken READ hasToken NOTIFY tokenChanged)
    Q_PROPERTY(QString maskedToken READ maskedToken NOTIFY tokenChanged)
    // HF_TOKEN is set: it wins over the token in the settings.
    Q_PROPERTY(bool tokenFromEnvironment READ tokenFromEnvironment CONSTANT)
    Q_PROPERTY(QString settingsPath READ settingsPath CONSTANT)
    // Bumped whenever a model's load settings or the plans' inputs change;
    // QML bindings on modelPlan() read it so they re-evaluate.
    Q_PROPERTY(int planRevision READ planRevision NOTIFY planRevisionChanged)
    // The GPU picker (gpu_choices.h): {text, value} entries, "Automatic" first,
    // from the library scan's probe (on the pool, never the GUI thread); the
    // row the saved gpu/device resolves to; whether to show the picker at all.
    Q_PROPERTY(QVariantList gpuChoices READ gpuChoiceItems NOTIFY gpuChoicesChanged)
    Q_PROPERTY(int gpuChoiceIndex READ gpuChoiceIndex NOTIFY gpuChoicesChanged)
    Q_PROPERTY(bool gpuPickerShown READ gpuPickerShown NOTIFY gpuChoicesChanged)
public:
    explicit ModelsController(QObject * parent = nullptr);
    ~ModelsController() override;

    ModelLibraryModel * library() { return &m_library; }
    QStringList watchedDirs() const { return m_watcher.dirs(); }  // tests
    HubSearchModel * searchResults() { return &m_search; }
    HubFileModel * repoFiles() { return &m_files; }
    DownloadListModel * downloads() { return &m_downloads; }
    SuggestionListModel * suggestions() { return &m_suggestions; }
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
    QString gpuStatus() const;
    QString searchSort() const { return HubClient::sortName(m_sort); }
    void setSearchSort(const QString & key);
    bool hasToken() const { return m_hub.hasToken(); }
    QString maskedToken() const;
    bool tokenFromEnvironment() const { return m_tokenFromEnvironment; }
    QString settingsPath() const { return m_settings.filePath(); }
    int planRevision() const { return m_planRevision; }
    QVariantList gpuChoiceItems() const { return m_gpuChoices.items; }
    int gpuChoiceIndex() const { return m_gpuChoices.current; }
    bool gpuPickerShown() const { return m_gpuChoices.shown; }
    QString gpuDevice() const { return m_settings.gpuDevice(); }
    // The GPU the next model load uses (AppSettings gpu/device): "" is
    // automatic, else an entry's value from gpuChoices. A loaded model keeps its device.
    Q_INVOKABLE void setGpuDevice(const QString & device);
    void setGpuProbe(const hearth::GpuProbe & probe);  // tests: a fixed machine's GPUs
    // Tests: the first Range request's size when reading remote headers.
    void setRemotePlanFetchBytes(qint64 bytes) { m_planFetchBytes = size_t(qMax<qint64>(64, bytes)); }

    // Applies the saved folders and token, then scans the library.
    Q_INVOKABLE void loadSettings();
    Q_INVOKABLE void rescan();
    // The Hugging Face token, saved in the settings; empty clears it.
    Q_INVOKABLE void setHfToken(const QString & token);
    Q_INVOKABLE void clearHfToken() { setHfToken(QString()); }
    // A folder (path or file:// URL) the library scans, saved in the settings.
    Q_INVOKABLE bool addModelDir(const QString & pathOrUrl);
    Q_INVOKABLE bool removeModelDir(const QString & dir);

    // The placement plan for the local model at `path` with its load settings:
    // ok, error, nLayer, nGpuLayers, gpuLayers, maxGpuLayers, outputOnGpu,
    // fullOffload, context, contextSetting, trainedContext, kvType,
    // gpuLayersSetting ("auto" or a count), vramText, vramWeightsText,
    // vramKvText, vramScratchText, ramText, summary, note, cpuOnly, cpuReason,
    // fit, fitText.
    Q_INVOKABLE QVariantMap modelPlan(const QString & path) const;
    Q_INVOKABLE void setModelContext(const QString & path, int contextLength);
    Q_INVOKABLE void setModelKvType(const QString & path, const QString & kvType);
    // "auto" or a count (llama.cpp's -ngl).
    Q_INVOKABLE void setModelGpuLayers(const QString & path, const QString & layers);
    ModelLoadSettings modelLoadSettings(const QString & path) const { return m_settings.modelSettings(path); }
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
    void searchSortChanged();
    void tokenChanged();
    void planRevisionChanged();
    void gpuChoicesChanged();
    void downloadFinished(const QString & name, const QString & path);

private:
    struct ScanResult {
        QList<LocalModel> models;
        MemoryBudget budget;
        QString gpuReason;
        hearth::GpuProbe gpus;
        QHash<QString, hearth::ModelFootprint> footprints;  // by path
        QHash<QString, QString> footprintErrors;
        QStringList watchDirs;  // LibraryWatcher::watchableDirs of the scanned folders
    };
    void applyScan(const ScanResult & scan, bool probed);
    void startRemotePlans(const QList<HubModelFile> & groups);
    void updateModelSettings(const QString & path, const std::function<void(ModelLoadSettings &)> & change);
    void bumpPlans();
    // The plan of a scanned local model under its load settings; false when
    // its footprint could not be read. `context` gets the context planned for.
    bool localPlan(const QString & path, hearth::MemoryPlan & plan, int & context) const;
    void onDownloadFinished(int id, const QStringList & paths);
    void refreshLocalNames();
    void refreshGpuChoices();

    ModelLibrary m_libraryDirs;
    HubClient m_hub;
    Downloader m_downloader;
    ModelLibraryModel m_library;
    HubSearchModel m_search;
    HubFileModel m_files;
    DownloadListModel m_downloads;
    SuggestionListModel m_suggestions;
    MemoryBudget m_budget;
    bool m_fixedBudget = false;
    AppSettings m_settings;
    bool m_tokenFromEnvironment = false;
    HubSort m_sort = HubSort::Downloads;
    LibraryWatcher m_watcher;
    QString m_gpuReason;
    hearth::GpuProbe m_gpus;
    bool m_gpusProbed = false;
    GpuChoices m_gpuChoices;
    QHash<QString, hearth::ModelFootprint> m_localFootprints;
    QHash<QString, QString> m_localFootprintErrors;
    QHash<QString, hearth::ModelFootprint> m_remoteFootprints;  // by "revision/path"
    size_t m_planFetchBytes = 4u << 20;
    std::atomic<int> m_planSerial{0};
    int m_planRevision = 0;

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
    QThreadPool m_planPool;  // one remote header at a time
    QThreadPool m_pool;      // last member: destroyed (and waited for) first
};

}  // namespace Hearth
