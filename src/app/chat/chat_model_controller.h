// ChatModelController: which model answers the chat (App.chatModel). A local
// GGUF file loaded into the EngineBridge (its own thread), or a model of a
// remote OpenAI-compatible endpoint (RemoteEngine, RemoteController); its
// state, name, description, load progress and notices for the window.
//
// The app remembers the model that last loaded (AppSettings::lastModel) and
// loads it again at start (loadAtStart). A load that fails while another model
// was working must not leave the chat without a model: the bridge has already
// let the old one go, so it is loaded again, and `loadNotice` says what failed
// and why. Loading a local model takes the chat back from a remote one; each
// reply records what answered it: the file name, or "endpoint · model".
//
// Each local model's sha256 is computed once per file in the background
// (ModelHasher, cached beside the database); a reply started before it is
// known gets it filled in when it arrives (recordModelHash). A reply whose
// hash never became known keeps an empty model_sha256 ("unknown").
//
// ChatFeature wires it to the chat: the chat listens to both engines' streams,
// engineReady() gives the chat the new context size, and the busy check (the
// chat's `generating`) keeps a model from changing under a streaming reply.
#pragma once

#include <QtQml/qqmlregistration.h>

#include <QHash>
#include <QList>
#include <QObject>
#include <QString>
#include <functional>
#include <utility>

#include "remote_controller.h"

namespace Hearth {

class ChatEngine;
class ChatSettingsController;
class ConversationStore;
class EngineBridge;
class ModelHasher;
class RemoteEngine;
class StoreWorker;
struct Message;

class ChatModelController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("made by ChatFeature; App.chatModel")
    // ChatModelController.NoModel, .Loading, .Ready, .Error in QML
    Q_PROPERTY(ModelState modelState READ modelState NOTIFY modelChanged)
    Q_PROPERTY(QString modelName READ modelName NOTIFY modelChanged)
    Q_PROPERTY(QString modelPath READ modelPath NOTIFY modelChanged)
    Q_PROPERTY(QString modelDescription READ modelDescription NOTIFY modelChanged)
    // Lower-case hex; "" until the background hash of the loaded file is known.
    Q_PROPERTY(QString modelSha256 READ modelSha256 NOTIFY modelChanged)
    Q_PROPERTY(double loadProgress READ loadProgress NOTIFY loadProgressChanged)
    Q_PROPERTY(QString loadError READ loadError NOTIFY modelChanged)
    Q_PROPERTY(QString gpuNotice READ gpuNotice NOTIFY modelChanged)
    // Why the last load failed and which model stayed, for the chat; "" when none.
    Q_PROPERTY(QString loadNotice READ loadNotice NOTIFY modelChanged)
    // The EngineBridge, for the local server to serve the chat's loaded model.
    Q_PROPERTY(QObject * engine READ engine CONSTANT)
    // The remote endpoints and their models.
    Q_PROPERTY(Hearth::RemoteController * remote READ remote CONSTANT)
    // A remote endpoint's model answers the chat (useRemoteModel), not a local file.
    Q_PROPERTY(bool usingRemote READ usingRemote NOTIFY modelChanged)

public:
    enum ModelState { NoModel, Loading, Ready, Error };
    Q_ENUM(ModelState)

    // Hash writes go through `worker` (null: none); the load's context size
    // is `settings`'s; the hash cache sits in `dataDir` ("" = none kept).
    ChatModelController(StoreWorker * worker, ChatSettingsController * settings, const QString & dataDir,
                        QObject * parent);
    ~ChatModelController() override;
    // Stops the hasher and the engines (the bridge's thread, the remote
    // transfers): before the store's worker stops (ChatFeature). Idempotent.
    void shutdown();

    ModelState modelState() const { return m_modelState; }
    bool isReady() const { return m_modelState == Ready; }
    QString modelName() const;
    QString modelPath() const { return m_modelPath; }
    QString modelDescription() const { return m_modelDescription; }
    QString modelSha256() const { return m_modelSha256; }
    double loadProgress() const { return m_loadProgress; }
    QString loadError() const { return m_loadError; }
    QString gpuNotice() const { return m_gpuNotice; }
    QString loadNotice() const { return m_loadNotice; }
    QObject * engine() const;
    RemoteController * remote() const { return m_remote; }
    bool usingRemote() const { return m_usingRemote; }

    // A path or a file:// URL.
    Q_INVOKABLE void loadModel(const QString & pathOrUrl);
    // The chat answers with model `index` of remote.models from now on; false while a reply streams.
    Q_INVOKABLE bool useRemoteModel(int index);
    Q_INVOKABLE void dismissLoadNotice();

    // The app's start: `model` (a path or file:// URL), or "" for the model that last loaded.
    void loadAtStart(const QString & model);
    // The chat's context size changed: a loaded local model is loaded again with it.
    void reloadForContext(int contextSize);
    // What answers the chat's requests, and what a reply records as its model:
    // the file name, or "endpoint · model".
    ChatEngine * activeEngine() const;
    QString answeringModel() const;
    EngineBridge * bridge() const { return m_bridge; }
    RemoteEngine * remoteEngine() const { return m_remoteEngine; }
    // A reply `replyId` started by the loaded local model: its hash is stored now, or when known.
    void recordModelHash(qint64 replyId, const Message & reply);
    // Whether a reply is streaming (the chat's `generating`): no model change meanwhile.
    void setBusyCheck(std::function<bool()> busy) { m_busy = std::move(busy); }

signals:
    void modelChanged();
    void loadProgressChanged();
    // A model is ready to answer: its context size (0: a remote endpoint that did not say).
    void engineReady(int contextSize, bool remote);
    // Stored replies got their model's hash: a shown chat may read them again.
    void repliesHashed();
    void errorOccurred(const QString & message);

private:
    void connectBridge();
    void setModelPath(const QString & path);
    void onModelLoaded(const QString & path, const QString & description, int contextSize);
    void rememberWorkingModel(const QString & path);
    void onLoadFailed(const QString & path, const QString & message);
    void restoreLastModel();
    void onModelHashed(const QString & path, const QString & sha256);
    void postWrite(std::function<void(ConversationStore &)> job);
    bool busy() const { return m_busy && m_busy(); }

    StoreWorker * m_worker;
    ChatSettingsController * m_settings;
    std::function<bool()> m_busy;
    EngineBridge * m_bridge = nullptr;
    RemoteEngine * m_remoteEngine = nullptr;
    RemoteController * m_remote = nullptr;
    ModelHasher * m_hasher = nullptr;
    bool m_usingRemote = false;
    QString m_remoteLabel;
    QString m_modelPath;
    ModelState m_modelState = NoModel;
    QString m_modelDescription;
    QString m_modelSha256;
    QHash<QString, QList<qint64>> m_awaitingHash;  // model path -> replies started before its hash was known
    int m_modelContext = 0;
    double m_loadProgress = 0;
    QString m_loadError;
    QString m_gpuNotice;
    QString m_loadNotice;
    QString m_workingModel;  // the last model that loaded; reloaded when another fails
};

}  // namespace Hearth
