#include "models_controller.h"

#include <QDir>
#include <QFileInfo>
#include <QUrl>

#include "core/app_paths.h"
#include "core/free_memory.h"
#include "core/model_footprint.h"
#include "core/plan_summary.h"
#include "hearth/error.h"

namespace Hearth {

namespace {

// Free memory now (probeFreeMemory: the figures the loader uses), and why
// there is no GPU if none.
MemoryBudget probeBudget(QString * gpuReason, hearth::GpuProbe * gpus) {
    const FreeMemory free = probeFreeMemory();
    MemoryBudget b;
    b.freeRamBytes = free.ramBytes;
    b.freeVramBytes = free.vramBytes;
    *gpuReason = free.gpuReason;
    *gpus = free.gpus;
    return b;
}

// An engine error names the whole URL; the file name is enough in a tooltip.
QString shortPlanError(QString message, const QStringList & urls) {
    for (const QString & u : urls) message.replace(u, QUrl(u).fileName());
    return message;
}

}  // namespace

ModelsController::ModelsController(QObject * parent) : QObject(parent) {
    m_pool.setMaxThreadCount(2);
    m_planPool.setMaxThreadCount(1);
    m_tokenFromEnvironment = !qEnvironmentVariable("HF_TOKEN").trimmed().isEmpty();
    refreshGpuChoices();  // "Automatic" only, hidden, until the first scan's probe lands
    m_downloads.setDownloader(&m_downloader);
    connect(&m_downloader, &Downloader::finished, this, &ModelsController::onDownloadFinished);
    connect(&m_watcher, &LibraryWatcher::changed, this, &ModelsController::rescan);
    connect(&m_downloader, &Downloader::failed, this, [this](int id, const QString & msg) {
        emit errorOccurred(m_downloader.jobName(id) + QStringLiteral(": ") + msg);
    });
}

ModelsController::~ModelsController() {
    m_downloader.disconnect(this);
    m_planSerial = -1;  // aborts the header fetch in flight
    m_planPool.waitForDone();
    m_pool.waitForDone();
}

void ModelsController::loadSettings() {
    if (!m_tokenFromEnvironment) {
        m_hub.setToken(m_settings.hfToken());
        emit tokenChanged();
    }
    const QStringList dirs = m_settings.modelDirs();
    if (dirs != m_libraryDirs.dirs()) {
        m_libraryDirs.setDirs(dirs);
        emit modelDirsChanged();
    }
    bumpPlans();
    rescan();
}

QString ModelsController::maskedToken() const {
    if (m_tokenFromEnvironment) return maskToken(qEnvironmentVariable("HF_TOKEN"));
    return maskToken(m_settings.hfToken());
}

void ModelsController::setHfToken(const QString & token) {
    m_settings.setHfToken(token);
    if (!m_tokenFromEnvironment) m_hub.setToken(token);
    emit tokenChanged();
}

bool ModelsController::addModelDir(const QString & pathOrUrl) {
    const QUrl url(pathOrUrl);
    const QString dir = QDir::cleanPath(url.isLocalFile() ? url.toLocalFile() : pathOrUrl.trimmed());
    if (dir.isEmpty() || !QFileInfo(dir).isDir()) {
        emit errorOccurred(QStringLiteral("%1 is not a folder.").arg(dir.isEmpty() ? pathOrUrl : dir));
        return false;
    }
    QStringList dirs = m_libraryDirs.dirs();
    if (dirs.contains(dir)) return false;
    dirs << dir;
    m_settings.setModelDirs(dirs);
    setModelDirs(dirs);
    return true;
}

bool ModelsController::removeModelDir(const QString & dir) {
    QStringList dirs = m_libraryDirs.dirs();
    if (!dirs.removeOne(dir)) return false;
    // The library always scans somewhere: removing the last folder brings back the default.
    if (dirs.isEmpty()) dirs << defaultModelsDir();
    m_settings.setModelDirs(dirs);
    setModelDirs(dirs);
    return true;
}

void ModelsController::setSearchSort(const QString & key) {
    bool ok = false;
    const HubSort sort = HubClient::sortFromName(key, &ok);
    if (!ok || sort == m_sort) return;
    m_sort = sort;
    emit searchSortChanged();
    if (!m_lastQuery.isEmpty() || m_search.rowCount() > 0) search(m_lastQuery);
}

void ModelsController::bumpPlans() {
    // Every trigger of a new plan (scan, budget, load settings) also moves the library cards' badges.
    QHash<QString, hearth::MemoryPlan> plans;
    for (auto it = m_localFootprints.constBegin(); it != m_localFootprints.constEnd(); ++it) {
        hearth::MemoryPlan plan;
        int context = 0;
        if (localPlan(it.key(), plan, context)) plans.insert(it.key(), plan);
    }
    m_library.setPlans(plans);
    ++m_planRevision;
    emit planRevisionChanged();
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
    m_suggestions.setBudget(budget);
    emit budgetChanged();
    bumpPlans();
}

void ModelsController::setGpuProbe(const hearth::GpuProbe & probe) {
    m_gpus = probe;
    m_gpusProbed = true;
    refreshGpuChoices();
}

void ModelsController::setGpuDevice(const QString & device) {
    m_settings.setGpuDevice(device);
    refreshGpuChoices();
}

void ModelsController::refreshGpuChoices() {
    m_gpuChoices = gpuChoices(m_gpus, m_gpusProbed, m_settings.gpuDevice());
    emit gpuChoicesChanged();
}

QString ModelsController::gpuStatus() const {
    if (m_budget.freeVramBytes > 0) return QStringLiteral("GPU: %1 VRAM free").arg(formatBytes(m_budget.freeVramBytes));
    return QStringLiteral("CPU only: %1")
        .arg(m_gpuReason.isEmpty() ? QStringLiteral("no usable GPU was found.") : m_gpuReason);
}

QString ModelsController::memorySummary() const {
    QString s = QStringLiteral("%1 RAM free").arg(formatBytes(m_budget.freeRamBytes));
    s += m_budget.freeVramBytes > 0 ? QStringLiteral(" · %1 VRAM free").arg(formatBytes(m_budget.freeVramBytes))
                                    : QStringLiteral(" · no GPU");
    return s + QStringLiteral(" · plans at each model's load settings");
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
        ScanResult scan;
        scan.models = library.scan();
        scan.watchDirs = LibraryWatcher::watchableDirs(library.dirs());
        if (probe) scan.budget = probeBudget(&scan.gpuReason, &scan.gpus);
        // The scan read each footprint (headers only), so the plan is ready when asked for.
        for (const LocalModel & m : scan.models) {
            if (!m.error.isEmpty() || m.isProjector) continue;
            if (m.hasFootprint)
                scan.footprints.insert(m.path, m.footprint);
            else if (!m.footprintError.isEmpty())
                scan.footprintErrors.insert(m.path, m.footprintError);
        }
        QMetaObject::invokeMethod(
            this, [this, scan, probe] { applyScan(scan, probe); }, Qt::QueuedConnection);
    });
}

void ModelsController::applyScan(const ScanResult & scan, bool probed) {
    if (probed && !m_fixedBudget) {
        MemoryBudget b = scan.budget;
        b.contextLength = m_budget.contextLength;
        b.kvType = m_budget.kvType;
        m_budget = b;
        m_gpuReason = scan.gpuReason;
        m_gpus = scan.gpus;
        m_gpusProbed = true;
        refreshGpuChoices();
        m_files.setBudget(b);
        m_suggestions.setBudget(b);
        emit budgetChanged();
    }
    m_localFootprints = scan.footprints;
    m_localFootprintErrors = scan.footprintErrors;
    m_library.setBudget(m_budget);
    m_library.setModels(scan.models);
    m_watcher.setDirs(scan.watchDirs);
    refreshLocalNames();
    m_scanning = false;
    emit scanningChanged();
    emit libraryChanged();
    bumpPlans();
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
    query.sort = m_sort;
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
    m_planSerial = serial;
    m_files.clearPlans();
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
                startRemotePlans(groups);
            },
            Qt::QueuedConnection);
    });
}

void ModelsController::closeRepo() {
    m_planSerial = ++m_repoSerial;
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

// Each model's header, one at a time, newest repo only; cached per revision.
void ModelsController::startRemotePlans(const QList<HubModelFile> & groups) {
    const int serial = m_repoSerial;
    for (const HubModelFile & g : groups) {
        if (g.isProjector || !g.complete || g.files.isEmpty()) continue;
        const QString key = g.files.first().path;
        const QString cacheKey = m_currentRepo + QLatin1Char('@') + m_currentRevision + QLatin1Char('/') + key;
        if (const auto it = m_remoteFootprints.constFind(cacheKey); it != m_remoteFootprints.constEnd()) {
            m_files.setFootprint(key, *it);
            continue;
        }
        QStringList urls;
        for (const HubFile & f : g.files) urls << m_hub.resolveUrl(m_currentRepo, m_currentRevision, f.path);
        m_files.setPlanPending(key);
        const HttpOptions http = m_hub.httpOptions();
        const size_t fetchBytes = m_planFetchBytes;
        m_planPool.start([this, urls, http, fetchBytes, serial, key, cacheKey] {
            const auto keepGoing = [this, serial] { return m_planSerial.load() == serial; };
            if (!keepGoing()) return;
            hearth::ModelFootprint fp;
            QString error;
            bool unsupported = false;
            try {
                fp = remoteFootprint(urls, http, fetchBytes, keepGoing);
            } catch (const hearth::Error & e) {
                error = shortPlanError(QString::fromUtf8(e.what()), urls);
                unsupported = e.code() == hearth::ErrorCode_unsupported;
                // "<file>: Unsupported architecture 'x' ..." : the row already names the file.
                const QString file = QUrl(urls.first()).fileName() + QStringLiteral(": ");
                if (unsupported && error.startsWith(file)) error.remove(0, file.size());
            } catch (const std::exception & e) {
                error = shortPlanError(QString::fromUtf8(e.what()), urls);
            }
            QMetaObject::invokeMethod(
                this,
                [this, serial, key, cacheKey, fp, error, unsupported] {
                    if (serial != m_repoSerial) return;
                    if (unsupported)
                        return m_files.setUnsupported(key, QStringLiteral("Hearth cannot run this file yet: ") + error);
                    if (!error.isEmpty()) return m_files.setPlanError(key, error);
                    m_remoteFootprints.insert(cacheKey, fp);
                    m_files.setFootprint(key, fp);
                },
                Qt::QueuedConnection);
        });
    }
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
    m_downloads.setModelPath(id, paths.value(0));
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
