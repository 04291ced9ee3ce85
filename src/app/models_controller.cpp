#include "models_controller.h"

#include <QDir>
#include <QFileInfo>
#include <QUrl>

#include "core/app_paths.h"
#include "hearth/gpu.h"

namespace Hearth {

namespace {

// Free memory now: RAM from /proc/meminfo, VRAM of the roomiest GPU.
MemoryBudget probeBudget() {
    MemoryBudget b;
    b.freeRamBytes = qMax<qint64>(0, availableRamBytes());
    const hearth::GpuProbe gpus = hearth::probe_gpus();
    for (const hearth::GpuDevice & d : gpus.devices) b.freeVramBytes = qMax(b.freeVramBytes, qint64(d.vram_free));
    return b;
}

}  // namespace

ModelsController::ModelsController(QObject * parent) : QObject(parent) {
    m_pool.setMaxThreadCount(2);
    m_downloads.setDownloader(&m_downloader);
    connect(&m_downloader, &Downloader::finished, this, &ModelsController::onDownloadFinished);
    connect(&m_downloader, &Downloader::failed, this, [this](int id, const QString & msg) {
        emit errorOccurred(m_downloader.jobName(id) + QStringLiteral(": ") + msg);
    });
}

ModelsController::~ModelsController() {
    m_downloader.disconnect(this);
    m_pool.waitForDone();
}

void ModelsController::setModelDirs(const QStringList & dirs) {
    if (dirs == m_libraryDirs.dirs()) return;
    m_libraryDirs.setDirs(dirs);
    emit modelDirsChanged();
    rescan();
}

void ModelsController::setEndpoint(const QString & url) {
    if (url == m_hub.endpoint()) return;
    m_hub.setEndpoint(url);
    emit endpointChanged();
}

void ModelsController::setBudget(const MemoryBudget & budget) {
    m_fixedBudget = true;
    m_budget = budget;
    m_library.setBudget(budget);
    m_files.setBudget(budget);
    emit budgetChanged();
}

QString ModelsController::memorySummary() const {
    QString s = QStringLiteral("%1 RAM free").arg(formatBytes(m_budget.freeRamBytes));
    s += m_budget.freeVramBytes > 0 ? QStringLiteral(" · %1 VRAM free").arg(formatBytes(m_budget.freeVramBytes))
                                    : QStringLiteral(" · no GPU");
    return s + QStringLiteral(" · estimates at %1 tokens of context").arg(m_budget.contextLength);
}

void ModelsController::rescan() {
    if (m_scanning) {  // one scan at a time; the latest request wins
        m_rescanPending = true;
        return;
    }
    m_scanning = true;
    emit scanningChanged();
    const ModelLibrary library = m_libraryDirs;
    const bool probe = !m_fixedBudget;
    m_pool.start([this, library, probe] {
        const QList<LocalModel> models = library.scan();
        const MemoryBudget budget = probe ? probeBudget() : MemoryBudget{};
        QMetaObject::invokeMethod(
            this, [this, models, budget, probe] { applyScan(models, probe ? budget : m_budget); },
            Qt::QueuedConnection);
    });
}

void ModelsController::applyScan(const QList<LocalModel> & models, const MemoryBudget & probed) {
    if (!m_fixedBudget) {
        MemoryBudget b = probed;
        b.contextLength = m_budget.contextLength;
        b.kvType = m_budget.kvType;
        m_budget = b;
        m_files.setBudget(b);
        emit budgetChanged();
    }
    m_library.setBudget(m_budget);
    m_library.setModels(models);
    refreshLocalNames();
    m_scanning = false;
    emit scanningChanged();
    emit libraryChanged();
    if (m_rescanPending) {
        m_rescanPending = false;
        rescan();
    }
}

void ModelsController::refreshLocalNames() {
    QSet<QString> names;
    for (const LocalModel & m : m_library.models())
        for (const QString & f : m.files) names.insert(QFileInfo(f).fileName());
    m_files.setLocalFileNames(names);
}

void ModelsController::search(const QString & text) {
    const int serial = ++m_searchSerial;
    m_lastQuery = text.trimmed();
    m_searchError.clear();
    m_searching = true;
    emit searchingChanged();
    HubSearchQuery query;
    query.text = m_lastQuery;
    query.limit = 30;
    const HubClient hub = m_hub;
    m_pool.start([this, hub, query, serial] {
        const auto result = hub.search(query);
        QMetaObject::invokeMethod(
            this,
            [this, result, serial] {
                if (serial != m_searchSerial) return;  // superseded
                m_searching = false;
                m_searchError = result.error.message;
                m_search.setResults(result.ok() ? result.value : QList<HubModelSummary>{});
                emit searchingChanged();
            },
            Qt::QueuedConnection);
    });
}

void ModelsController::openRepo(const QString & repo) {
    const int serial = ++m_repoSerial;
    m_currentRepo = repo;
    m_currentRevision.clear();
    m_repoError.clear();
    m_files.setFiles({});
    m_loadingFiles = true;
    emit currentRepoChanged();
    emit loadingFilesChanged();
    const HubClient hub = m_hub;
    m_pool.start([this, hub, repo, serial] {
        // Pin "main" to a commit first, so every file of a download comes from one revision.
        const auto sha = hub.resolveRevision(repo, QStringLiteral("main"));
        HubResult<QList<HubFile>> files;
        if (sha.ok())
            files = hub.listFiles(repo, sha.value);
        else
            files.error = sha.error;
        const QList<HubModelFile> groups = files.ok() ? HubClient::groupGgufFiles(files.value) : QList<HubModelFile>{};
        QMetaObject::invokeMethod(
            this,
            [this, serial, groups, revision = sha.value, error = files.error.message] {
                if (serial != m_repoSerial) return;
                m_loadingFiles = false;
                m_currentRevision = revision;
                m_repoError = error;
                if (error.isEmpty() && groups.isEmpty())
                    m_repoError = QStringLiteral("This repository has no GGUF files.");
                m_files.setFiles(groups);
                emit loadingFilesChanged();
            },
            Qt::QueuedConnection);
    });
}

void ModelsController::closeRepo() {
    ++m_repoSerial;
    m_currentRepo.clear();
    m_currentRevision.clear();
    m_repoError.clear();
    m_files.setFiles({});
    if (m_loadingFiles) {
        m_loadingFiles = false;
        emit loadingFilesChanged();
    }
    emit currentRepoChanged();
}

int ModelsController::download(int row) {
    const HubModelFile group = m_files.fileAt(row);
    if (group.files.isEmpty() || m_currentRevision.isEmpty()) return -1;
    const QStringList dirs = m_libraryDirs.dirs();
    const QString dir = dirs.isEmpty() ? defaultModelsDir() : dirs.first();
    if (!QDir().mkpath(dir)) {
        emit errorOccurred(QStringLiteral("Cannot create the models folder %1").arg(dir));
        return -1;
    }
    DownloadJob job;
    job.name = group.quant.isEmpty() ? QStringLiteral("%1 · %2").arg(m_currentRepo, group.name)
                                     : QStringLiteral("%1 · %2").arg(m_currentRepo, group.quant);
    job.http = m_hub.httpOptions();
    for (const HubFile & f : group.files) {
        DownloadFileSpec spec;
        spec.repo = m_currentRepo;
        spec.revision = m_currentRevision;
        spec.path = f.path;
        spec.url = m_hub.resolveUrl(m_currentRepo, m_currentRevision, f.path);
        spec.expectedSize = f.size;
        spec.sha256 = f.sha256;
        spec.destination = QDir(dir).filePath(QFileInfo(f.path).fileName());
        job.files << spec;
    }
    const int id = m_downloader.start(job);
    m_downloads.track(id);
    return id;
}

void ModelsController::onDownloadFinished(int id, const QStringList & paths) {
    emit downloadFinished(m_downloader.jobName(id), paths.value(0));
    rescan();
}

bool ModelsController::deleteModel(int row) {
    if (row < 0 || row >= m_library.rowCount()) return false;
    QString error;
    if (!ModelLibrary::removeModel(m_library.modelAt(row), &error)) {
        emit errorOccurred(error);
        return false;
    }
    rescan();
    return true;
}

bool ModelsController::importModel(const QString & pathOrUrl, bool copy) {
    const QUrl url(pathOrUrl);
    const QString path = url.isLocalFile() ? url.toLocalFile() : pathOrUrl;
    QString error;
    // A copy of a multi-GiB file would block the GUI: run it on the pool.
    const ModelLibrary library = m_libraryDirs;
    if (!copy) {
        if (!library.importModel(path, ImportMode::Link, &error)) {
            emit errorOccurred(error);
            return false;
        }
        rescan();
        return true;
    }
    m_pool.start([this, library, path] {
        QString err;
        const bool ok = library.importModel(path, ImportMode::Copy, &err);
        QMetaObject::invokeMethod(
            this,
            [this, ok, err] {
                if (!ok) emit errorOccurred(err);
                rescan();
            },
            Qt::QueuedConnection);
    });
    return true;
}

}  // namespace Hearth
