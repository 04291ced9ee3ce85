#include "core/remote_engine.h"

#include <QFutureWatcher>
#include <QRandomGenerator>
#include <QtConcurrent/QtConcurrentRun>

#include "core/remote_engine_core.h"
#include "core/remote_request.h"

namespace Hearth {

RemoteEngine::RemoteEngine(QObject * parent) : ChatEngine(parent) {
    qRegisterMetaType<Hearth::GenerationResult>();
    qRegisterMetaType<Hearth::ContextUsage>();
    qRegisterMetaType<Hearth::RemoteEndpoint>();
    qRegisterMetaType<Hearth::RemoteModel>();
    qRegisterMetaType<QList<Hearth::RemoteModel>>();
    m_core = new RemoteEngineCore;
    m_core->moveToThread(&m_thread);
    // The core is destroyed on its own thread, after it cancelled and joined its transfers.
    connect(&m_thread, &QThread::finished, m_core, &QObject::deleteLater);
    connect(m_core, &RemoteEngineCore::contextPlanned, this, &RemoteEngine::contextPlanned);
    connect(m_core, &RemoteEngineCore::textReceived, this, &RemoteEngine::textReceived);
    connect(m_core, &RemoteEngineCore::generationFinished, this, &RemoteEngine::generationFinished);
    m_thread.setObjectName(QStringLiteral("hearth-remote"));
    m_thread.start();
}

RemoteEngine::~RemoteEngine() {
    m_thread.quit();
    m_thread.wait();
}

void RemoteEngine::setModel(const RemoteModel & model) {
    m_model = model;
}

void RemoteEngine::generate(qint64 requestId, const QList<Message> & history, const GenerationSettings & settings) {
    continueReply(requestId, history, QString(), settings);
}

void RemoteEngine::continueReply(qint64 requestId, const QList<Message> & history, const QString & partial,
                                 const GenerationSettings & settings) {
    // As with a local model: a fresh seed per reply unless the chat fixed one; it is recorded.
    const qint64 seed = settings.seed >= 0 ? settings.seed : qint64(QRandomGenerator::global()->bounded(1u << 30));
    const QByteArray body = remoteChatRequest(m_model.id, history, partial, settings, seed);
    RemoteEngineCore * core = m_core;
    const RemoteModel model = m_model;
    QMetaObject::invokeMethod(
        core, [core, requestId, model, body, seed] { core->start(requestId, model, body, seed); },
        Qt::QueuedConnection);
}

void RemoteEngine::measureContext(qint64, const QList<Message> &, const GenerationSettings &) {
    // The server's tokenizer is not here: the meter updates from each reply's usage instead.
}

void RemoteEngine::cancel(qint64 requestId) {
    RemoteEngineCore * core = m_core;
    QMetaObject::invokeMethod(
        core, [core, requestId] { core->cancel(requestId); }, Qt::QueuedConnection);
}

void RemoteEngine::listModels(const RemoteEndpoint & endpoint) {
    auto * watcher = new QFutureWatcher<RemoteModelList>(this);
    connect(watcher, &QFutureWatcher<RemoteModelList>::finished, this, [this, watcher, endpoint] {
        const RemoteModelList list = watcher->result();
        watcher->deleteLater();
        emit modelsListed(endpoint, list.models, list.error);
    });
    watcher->setFuture(QtConcurrent::run([endpoint] { return fetchRemoteModels(endpoint); }));
}

}  // namespace Hearth
