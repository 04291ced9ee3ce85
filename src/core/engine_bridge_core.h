// EngineBridgeCore: the half of the engine bridge that lives on the bridge
// thread (see engine_bridge.h). It owns the GenerationWorker, the model's
// chat template and, per request, an output parser and a token batcher.
// Callbacks from the worker's thread are re-posted to this object's thread,
// so all of its state is touched by one thread only.
#pragma once

#include <QHash>
#include <QObject>
#include <atomic>
#include <memory>
#include <optional>

#include "core/context_planner.h"
#include "core/generation_types.h"
#include "hearth/chat_setup.h"
#include "hearth/output_parser.h"
#include "hearth/worker.h"

namespace Hearth {

class TokenBatcher;

class EngineBridgeCore : public QObject {
    Q_OBJECT
public:
    explicit EngineBridgeCore(QObject *parent = nullptr);
    ~EngineBridgeCore() override;

public slots:
    void loadModel(const QString &path, int contextSize);
    void unloadModel();
    void generate(qint64 requestId, const QList<Hearth::Message> &history, const QString &partial,
                  const Hearth::GenerationSettings &settings);
    // Fits `history` into the context as a reply to it would, and reports the
    // result as contextPlanned(requestId, ...) without generating.
    void measureContext(qint64 requestId, const QList<Hearth::Message> &history,
                        const Hearth::GenerationSettings &settings);
    void cancel(qint64 requestId);

signals:
    void loadStarted(const QString &path);
    void loadProgress(double fraction);
    void modelLoaded(const QString &path, const QString &description, int contextSize);
    void loadFailed(const QString &path, const QString &message);
    void gpuNotice(const QString &message);
    // Before a request's first text: how its prompt was fitted into the context.
    void contextPlanned(qint64 requestId, const Hearth::ContextUsage &usage);
    void textReceived(qint64 requestId, const QString &content, const QString &reasoning);
    void generationFinished(qint64 requestId, const Hearth::GenerationResult &result);

private:
    struct Request;

    void onStatus(quint64 loadSerial, const hearth::WorkerStatus &status);
    void onEvent(qint64 requestId, const hearth::GenerateEvent &event);
    void applyDelta(Request &r, const hearth::OutputDelta &delta);
    void finishRequest(qint64 requestId, const QString &error, bool refused = false);

    std::unique_ptr<hearth::GenerationWorker> m_worker;
    quint64 m_loadSerial = 0;  // drops statuses of a worker that was replaced
    QString m_path;
    int m_lastPercent = -1;
    std::optional<hearth::ChatSetup> m_setup;  // the loaded model's template, tokens and context
    ContextPlanner m_planner;                  // the prompt under the context policy, over m_setup
    QHash<qint64, std::shared_ptr<Request>> m_requests;
};

}  // namespace Hearth
