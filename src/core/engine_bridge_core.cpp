#include "core/engine_bridge_core.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QtGlobal>
#include <algorithm>
#include <mutex>

#include "core/app_settings.h"
#include "core/context_planner.h"
#include "core/load_error_text.h"
#include "core/token_batcher.h"
#include "hearth/gpu.h"

namespace Hearth {

namespace {

QString stopReasonWord(hearth::StopReason reason) {
    switch (reason) {
        case hearth::StopReason_eog:
            return QStringLiteral("eos");
        case hearth::StopReason_stop_string:
            return QStringLiteral("stop");
        case hearth::StopReason_length:
            return QStringLiteral("length");
        case hearth::StopReason_cancelled:
            return QStringLiteral("user");
        case hearth::StopReason_context_full:
            return QStringLiteral("context_full");
    }
    return QStringLiteral("eos");
}

QJsonObject toolCallJson(const hearth::ToolCall & call) {
    QJsonObject args = QJsonDocument::fromJson(QByteArray::fromStdString(call.arguments)).object();
    return QJsonObject{
        {"id", QString::fromStdString(call.id)}, {"name", QString::fromStdString(call.name)}, {"arguments", args}};
}

hearth::GenerateRequest samplingRequest(const GenerationSettings & settings, qint64 seed) {
    hearth::GenerateRequest request;
    request.n_predict = settings.maxTokens > 0 ? settings.maxTokens : -1;
    request.sampling.seed = uint64_t(seed);
    request.sampling.temperature = float(settings.temperature);
    request.sampling.top_p = float(settings.topP);
    request.sampling.top_k = settings.topK;
    request.sampling.min_p = float(settings.minP);
    return request;
}

}  // namespace

struct EngineBridgeCore::Request {
    hearth::RequestHandle handle;
    hearth::OutputParser parser;
    TokenBatcher * batcher = nullptr;
    QJsonArray toolCalls;
    hearth::GenerationStats stats;
    qint64 seed = -1;
    QElapsedTimer clock;
    qint64 firstReasoningMs = -1;
    qint64 firstContentMs = -1;
    QString stopReason = QStringLiteral("user");  // until the engine says otherwise
};

// The session may outlive this object (the local server shares it), so the
// worker's callbacks reach the core through a route that the core closes
// when it goes, instead of through a raw `this`.
struct EngineBridgeCore::EventRoute {
    std::mutex mutex;
    EngineBridgeCore * core = nullptr;

    // Queues f(core) on the core's thread; nothing once the core has gone.
    template <typename F>
    void post(F f) {
        std::lock_guard<std::mutex> lock(mutex);
        if (core)
            QMetaObject::invokeMethod(
                core, [c = core, f = std::move(f)] { f(c); }, Qt::QueuedConnection);
    }
};

EngineBridgeCore::EngineBridgeCore(QObject * parent) : QObject(parent), m_route(std::make_shared<EventRoute>()) {
    m_route->core = this;
}

EngineBridgeCore::~EngineBridgeCore() {
    {
        std::lock_guard<std::mutex> lock(m_route->mutex);
        m_route->core = nullptr;
    }
    for (const auto & r : std::as_const(m_requests))
        if (r->handle.cancel) r->handle.cancel->store(true);
    m_session.reset();  // the last owner cancels and joins before the requests' batchers go
}

void EngineBridgeCore::setSession(std::shared_ptr<hearth::ChatSession> session) {
    m_session = std::move(session);
    emit sessionChanged(m_session);
}

void EngineBridgeCore::unloadModel() {
    const QList<qint64> ids = m_requests.keys();
    for (qint64 id : ids)
        if (auto cancel = m_requests.value(id)->handle.cancel) cancel->store(true);
    const bool had = bool(m_session);
    // Joins the worker (within one token, or one step of a load) unless the
    // local server still serves the session.
    m_session.reset();
    ++m_loadSerial;
    for (qint64 id : ids) finishRequest(id, QString());
    if (had) emit sessionChanged(nullptr);
    m_path.clear();
}

void EngineBridgeCore::loadModel(const QString & path, int contextSize) {
    unloadModel();
    m_path = path;
    m_lastPercent = -1;
    emit loadStarted(path);

    hearth::LoadOptions options;
    options.n_ctx = contextSize;
    // The model's saved load settings (KV type, GPU layers, its context when
    // the chat has none) from the Models page.
    applyModelLoadSettings(path, options);
    const quint64 serial = ++m_loadSerial;
    auto route = m_route;
    auto probed = std::make_shared<std::atomic<bool>>(false);
    auto onStatus = [route, serial, probed](const hearth::WorkerStatus & status) {
        // The GPU probe may wake a driver: it runs on the worker too, before the load's first status.
        if (!probed->exchange(true)) {
            const hearth::GpuProbe probe = hearth::probe_gpus();
            if (!probe.available())
                route->post([reason = QString::fromStdString(probe.reason)](EngineBridgeCore * core) {
                    emit core->gpuNotice(QStringLiteral("Running on the CPU: ") + reason);
                });
        }
        route->post([serial, status](EngineBridgeCore * core) { core->onStatus(serial, status); });
    };
    try {
        // The template (or ChatML with a note), special tokens, context and
        // worker (hearth/chat_session.h); the header is read on the worker.
        setSession(hearth::ChatSession::start(path.toStdString(), options, onStatus));
    } catch (const std::exception & e) {  // the worker thread could not start
        emit loadFailed(path, QString::fromUtf8(e.what()));
    }
}

void EngineBridgeCore::onStatus(quint64 serial, const hearth::WorkerStatus & status) {
    if (serial != m_loadSerial) return;
    if (status.kind == hearth::WorkerStatus::Kind_loaded) {
        const hearth::ChatSetup & setup = m_session->setup();
        if (!setup.template_note.empty()) qWarning("Hearth: %s", setup.template_note.c_str());
        emit modelLoaded(m_path, QString::fromStdString(status.description), setup.n_ctx);
    } else if (status.kind == hearth::WorkerStatus::Kind_progress) {
        const int percent = int(status.progress * 100.0f);
        if (percent == m_lastPercent) return;  // ~100 updates per load at most
        m_lastPercent = percent;
        emit loadProgress(double(status.progress));
    } else if (status.kind == hearth::WorkerStatus::Kind_failed) {
        const QString path = m_path;
        emit loadFailed(path, loadErrorText(status.error_code, QString::fromStdString(status.error), path));
    }
}

void EngineBridgeCore::generate(qint64 requestId, const QList<Message> & history, const QString & partial,
                                const GenerationSettings & settings) {
    auto r = std::make_shared<Request>();
    r->batcher = new TokenBatcher(this);
    connect(r->batcher, &TokenBatcher::flushed, this,
            [this, requestId](const QString & content, const QString & reasoning) {
                emit textReceived(requestId, content, reasoning);
            });
    r->clock.start();
    m_requests.insert(requestId, r);
    if (!m_session) {
        finishRequest(requestId, QStringLiteral("No model is loaded. Open a GGUF file or download a model first."));
        return;
    }
    r->seed = settings.seed >= 0 ? settings.seed : qint64(QRandomGenerator::global()->bounded(1u << 30));

    // Planned on the worker, just before the request runs: the prompt fitted
    // by the chat's policy (ContextPlanner), reported before any text.
    auto route = m_route;
    auto plan = [route, requestId, history, partial, settings](hearth::PromptPlanner & planner,
                                                               hearth::GenerateRequest & request) {
        ContextPlanner contextPlanner;
        contextPlanner.setPlanner(&planner);
        ContextPlan plan;
        try {
            plan = contextPlanner.plan(history, settings, partial);
        } catch (const hearth::Error & e) {
            const QString error = generationErrorText(hearth::ErrorCode_template, QString::fromUtf8(e.what()));
            route->post([requestId, error](EngineBridgeCore * core) { core->finishRequest(requestId, error); });
            return false;
        }
        route->post([requestId, usage = plan.usage, parser = plan.parser, text = partial.toStdString(),
                     refusal = plan.refusal](EngineBridgeCore * core) {
            core->onPlanned(requestId, usage, parser, text, refusal);
        });
        if (!plan.refusal.isEmpty()) return false;
        request.prompt_ids = std::move(plan.promptIds);
        return true;
    };
    auto onEvent = [route, requestId](const hearth::GenerateEvent & event) {
        route->post([requestId, event](EngineBridgeCore * core) { core->onEvent(requestId, event); });
        return true;
    };
    r->handle = m_session->submit_planned(samplingRequest(settings, r->seed), std::move(plan), std::move(onEvent));
}

void EngineBridgeCore::onPlanned(qint64 requestId, const ContextUsage & usage,
                                 const hearth::OutputParserConfig & parser, const std::string & partial,
                                 const QString & refusal) {
    auto it = m_requests.find(requestId);
    if (it == m_requests.end()) return;  // finished already (model replaced)
    emit contextPlanned(requestId, usage);
    if (!refusal.isEmpty()) {
        finishRequest(requestId, refusal, true);
        return;
    }
    // Continuing: the parser must see the text already shown, which the UI keeps.
    (*it)->parser = hearth::ChatSession::reply_parser(parser, partial);
}

void EngineBridgeCore::measureContext(qint64 requestId, const QList<Message> & history,
                                      const GenerationSettings & settings) {
    if (!m_session) return;
    auto route = m_route;
    const quint64 serial = m_loadSerial;
    m_session->post([route, serial, requestId, history, settings](hearth::PromptPlanner & planner) {
        ContextPlanner contextPlanner;
        contextPlanner.setPlanner(&planner);
        try {
            const ContextUsage usage = contextPlanner.plan(history, settings, QString(), false).usage;
            route->post([serial, requestId, usage](EngineBridgeCore * core) {
                if (serial == core->m_loadSerial) emit core->contextPlanned(requestId, usage);
            });
        } catch (const std::exception & e) {
            qWarning("Hearth: the context could not be measured: %s", e.what());  // the meter stays as it was
        }
    });
}

void EngineBridgeCore::cancel(qint64 requestId) {
    auto it = m_requests.find(requestId);
    if (it != m_requests.end() && (*it)->handle.cancel) (*it)->handle.cancel->store(true);
}

void EngineBridgeCore::applyDelta(Request & r, const hearth::OutputDelta & delta) {
    if (!delta.reasoning.empty() && r.firstReasoningMs < 0) r.firstReasoningMs = r.clock.elapsed();
    if (!delta.content.empty() && r.firstContentMs < 0) r.firstContentMs = r.clock.elapsed();
    for (const hearth::ToolCall & call : delta.tool_calls) r.toolCalls.append(toolCallJson(call));
    r.batcher->append(QString::fromStdString(delta.content), QString::fromStdString(delta.reasoning));
}

void EngineBridgeCore::onEvent(qint64 requestId, const hearth::GenerateEvent & event) {
    auto it = m_requests.find(requestId);
    if (it == m_requests.end()) return;  // finished already (model replaced)
    Request & r = **it;
    switch (event.type) {
        case hearth::EventType_piece:
            applyDelta(r, r.parser.feed(event.text));
            break;
        case hearth::EventType_stats:
            r.stats = event.stats;
            break;
        case hearth::EventType_done: {
            applyDelta(r, r.parser.finish());
            r.stopReason = stopReasonWord(event.stop_reason);
            finishRequest(requestId, QString());
            break;
        }
        case hearth::EventType_error:
            finishRequest(requestId, generationErrorText(event.error_code, QString::fromStdString(event.error)));
            break;
    }
}

void EngineBridgeCore::finishRequest(qint64 requestId, const QString & error, bool refused) {
    std::shared_ptr<Request> r = m_requests.take(requestId);
    if (!r) return;
    r->batcher->flush();
    if (!r->parser.finished()) r->parser.finish();
    const hearth::ParsedOutput & out = r->parser.result();
    GenerationResult result;
    result.content = QString::fromStdString(out.content);
    result.reasoning = QString::fromStdString(out.reasoning);
    result.toolCalls = r->toolCalls;
    result.seed = r->seed;
    result.error = error;
    result.refused = refused;
    result.stats.promptTokens = r->stats.n_prompt;
    result.stats.generatedTokens = r->stats.n_generated;
    result.stats.promptTokensPerSecond = r->stats.prompt_tok_s;
    result.stats.generationTokensPerSecond = r->stats.gen_tok_s;
    result.stats.timeToFirstTokenMs = r->stats.ttft_ms;
    result.stats.stopReason = error.isEmpty() ? r->stopReason : QStringLiteral("error");
    if (r->firstReasoningMs >= 0)
        result.stats.thinkingMs =
            double((r->firstContentMs >= 0 ? r->firstContentMs : r->clock.elapsed()) - r->firstReasoningMs);
    r->batcher->deleteLater();
    emit generationFinished(requestId, result);
}

}  // namespace Hearth
