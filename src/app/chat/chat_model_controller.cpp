#include "chat_model_controller.h"

#include <QFileInfo>
#include <QUrl>
#include <utility>

#include "chat_settings_controller.h"
#include "core/app_settings.h"
#include "core/conversation_store.h"
#include "core/engine_bridge.h"
#include "core/model_hasher.h"
#include "core/remote_engine.h"
#include "core/store_worker.h"

namespace Hearth {

ChatModelController::ChatModelController(StoreWorker * worker, ChatSettingsController * settings,
                                         const QString & dataDir, QObject * parent)
    : QObject(parent), m_worker(worker), m_settings(settings) {
    m_hasher = new ModelHasher(dataDir.isEmpty() ? QString() : dataDir + QStringLiteral("/model-hashes.json"));
    connect(m_hasher, &ModelHasher::hashed, this, &ChatModelController::onModelHashed);
    connect(m_hasher, &ModelHasher::failed, this, [](const QString &, const QString & reason) {
        qWarning("model sha256 unknown: %s", qPrintable(reason));  // replies keep an empty hash
    });
    m_bridge = new EngineBridge;
    connectBridge();
    m_remoteEngine = new RemoteEngine;
    m_remote = new RemoteController(m_remoteEngine, AppSettings::defaultPath());
}

ChatModelController::~ChatModelController() {
    shutdown();
}

void ChatModelController::shutdown() {
    delete std::exchange(m_hasher, nullptr);  // stops a running hash within one read
    delete std::exchange(m_remote, nullptr);
    delete std::exchange(m_remoteEngine, nullptr);  // cancels its transfers before the store goes
    delete std::exchange(m_bridge, nullptr);        // stops the engine thread before the store goes
}

QObject * ChatModelController::engine() const {
    return m_bridge;
}

void ChatModelController::connectBridge() {
    connect(m_bridge, &EngineBridge::loadStarted, this, [this](const QString & path) {
        m_usingRemote = false;  // a local model takes over the chat
        setModelPath(path);
        m_modelState = Loading;
        m_loadError.clear();
        m_loadProgress = 0;
        emit loadProgressChanged();
        emit modelChanged();
    });
    connect(m_bridge, &EngineBridge::loadProgress, this, [this](double f) {
        m_loadProgress = f;
        emit loadProgressChanged();
    });
    connect(m_bridge, &EngineBridge::modelLoaded, this, &ChatModelController::onModelLoaded);
    connect(m_bridge, &EngineBridge::loadFailed, this, &ChatModelController::onLoadFailed);
    connect(m_bridge, &EngineBridge::gpuNotice, this, [this](const QString & message) {
        m_gpuNotice = message;
        emit modelChanged();
    });
}

QString ChatModelController::modelName() const {
    return m_usingRemote ? m_remoteLabel : QFileInfo(m_modelPath).completeBaseName();
}

void ChatModelController::setModelPath(const QString & path) {
    if (path == m_modelPath) return;
    // The previous model's hash is still wanted only for replies waiting on it.
    if (!m_awaitingHash.contains(m_modelPath)) m_hasher->cancel(m_modelPath);
    m_modelPath = path;
    m_modelSha256.clear();
}

void ChatModelController::loadModel(const QString & pathOrUrl) {
    if (busy() || pathOrUrl.isEmpty()) return;
    const QUrl url(pathOrUrl);
    const QString path = url.isLocalFile() ? url.toLocalFile() : pathOrUrl;
    m_usingRemote = false;
    setModelPath(path);
    m_modelState = Loading;
    m_loadProgress = 0;
    m_loadError.clear();
    emit modelChanged();
    m_bridge->loadModel(path, m_settings->generationSettings().contextSize);
}

void ChatModelController::loadAtStart(const QString & model) {
    if (!model.isEmpty())
        loadModel(model);
    else
        restoreLastModel();
}

void ChatModelController::restoreLastModel() {
    const QString last = AppSettings().lastModel();
    if (!last.isEmpty() && QFileInfo(last).isFile()) loadModel(last);
}

void ChatModelController::reloadForContext(int contextSize) {
    // The context is fixed when a model loads. (A remote model's context is the endpoint's.)
    if (!m_usingRemote && m_modelState == Ready && !busy() && contextSize != m_modelContext) loadModel(m_modelPath);
}

void ChatModelController::onModelLoaded(const QString & path, const QString & description, int contextSize) {
    setModelPath(path);
    // Looked up again at every load: the cache notices a file replaced in place.
    m_modelSha256.clear();
    m_hasher->request(path);
    m_modelDescription = description;
    m_modelContext = contextSize;
    m_modelState = Ready;
    m_loadProgress = 1;
    emit engineReady(contextSize, false);  // the chat's meter has the new size before anyone hears of the model
    emit loadProgressChanged();
    emit modelChanged();
    rememberWorkingModel(path);
}

void ChatModelController::rememberWorkingModel(const QString & path) {
    if (path != m_workingModel) {
        m_loadNotice.clear();  // a different model is working now: the old failure is past
        emit modelChanged();
    }
    m_workingModel = path;
    AppSettings().setLastModel(path);
}

void ChatModelController::onLoadFailed(const QString & path, const QString & message) {
    m_loadError = message;
    const QString failed = QFileInfo(path).fileName();
    const bool restore = !m_workingModel.isEmpty() && path != m_workingModel && QFileInfo(m_workingModel).isFile();
    if (restore) {
        m_loadNotice = tr("Could not load %1. %2 Still chatting with %3.")
                           .arg(failed, message, QFileInfo(m_workingModel).completeBaseName());
        // Loading state and progress come from the bridge's loadStarted.
        m_bridge->loadModel(m_workingModel, m_settings->generationSettings().contextSize);
    } else {
        m_loadNotice = tr("Could not load %1. %2").arg(failed, message);
        m_modelState = Error;
    }
    emit modelChanged();
}

void ChatModelController::dismissLoadNotice() {
    if (m_loadNotice.isEmpty()) return;
    m_loadNotice.clear();
    emit modelChanged();
}

ChatEngine * ChatModelController::activeEngine() const {
    if (m_usingRemote) return m_remoteEngine;
    return m_bridge;
}

QString ChatModelController::answeringModel() const {
    return m_usingRemote ? m_remoteLabel : QFileInfo(m_modelPath).fileName();
}

bool ChatModelController::useRemoteModel(int index) {
    // A local load still running would take the chat back when it ends.
    if (busy() || m_modelState == Loading) return false;
    const RemoteModel model = m_remote->modelAt(index);
    if (model.id.isEmpty()) return false;
    m_remoteEngine->setModel(model);
    m_usingRemote = true;
    m_remoteLabel = model.endpoint.label(model.id);
    m_modelState = Ready;
    m_loadError.clear();
    m_loadProgress = 1;
    m_modelDescription = tr("%1 on %2").arg(model.id, model.endpoint.apiUrl(QString()).chopped(1));
    m_modelContext = model.contextSize;
    emit engineReady(model.contextSize, true);  // 0 (the endpoint did not say): the meter hides
    emit loadProgressChanged();
    emit modelChanged();
    return true;
}

void ChatModelController::recordModelHash(qint64 replyId, const Message & reply) {
    // A reply written by the loaded model: its hash now, or when it becomes known.
    if (m_usingRemote || !reply.generation.modelSha256.isEmpty() || m_modelPath.isEmpty() ||
        reply.generation.modelFile != QFileInfo(m_modelPath).fileName())
        return;
    if (!m_modelSha256.isEmpty()) {
        postWrite([replyId, sha = m_modelSha256](ConversationStore & store) { store.setModelSha256({replyId}, sha); });
        return;
    }
    QList<qint64> & waiting = m_awaitingHash[m_modelPath];
    if (!waiting.contains(replyId)) waiting.append(replyId);
    m_hasher->request(m_modelPath);
}

void ChatModelController::onModelHashed(const QString & path, const QString & sha256) {
    if (path == m_modelPath && sha256 != m_modelSha256) {
        m_modelSha256 = sha256;
        emit modelChanged();
    }
    const QList<qint64> waiting = m_awaitingHash.take(path);
    if (waiting.isEmpty() || !m_worker) return;
    postWrite([waiting, sha256](ConversationStore & store) { store.setModelSha256(waiting, sha256); });
    emit repliesHashed();
}

void ChatModelController::postWrite(std::function<void(ConversationStore &)> job) {
    if (!m_worker) return;
    m_worker->request(
        this, std::move(job), [] {}, [this](const QString & message) { emit errorOccurred(message); });
}

}  // namespace Hearth
