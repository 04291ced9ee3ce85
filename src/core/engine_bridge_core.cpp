#include "core/engine_bridge_core.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QtGlobal>
#include <algorithm>

#include "core/app_settings.h"
#include "core/load_error_text.h"
#include "core/token_batcher.h"
#include "hearth/gguf.h"
#include "hearth/gpu.h"
#include "hearth/tokenizer.h"

namespace Hearth {

namespace {

QString stopReasonWord(hearth::StopReason reason) {
    switch (reason) {
    case hearth::StopReason_eog: return QStringLiteral("eos");
    case hearth::StopReason_stop_string: return QStringLiteral("stop");
    case hearth::StopReason_length: return QStringLiteral("length");
    case hearth::StopReason_cancelled: return QStringLiteral("user");
    case hearth::StopReason_context_full: return QStringLiteral("context_full");
    }
    return QStringLiteral("eos");
}

QJsonObject toolCallJson(const hearth::ToolCall &call) {
    QJsonObject args = QJsonDocument::fromJson(QByteArray::fromStdString(call.arguments)).object();
    return QJsonObject{{"id", QString::fromStdString(call.id)},
                       {"name", QString::fromStdString(call.name)},
                       {"arguments", args}};
}

}  // namespace

struct EngineBridgeCore::Request {
    hearth::RequestHandle handle;
    hearth::OutputParser parser;
    TokenBatcher *batcher = nullptr;
    QJsonArray toolCalls;
    hearth::GenerationStats stats;
    qint64 seed = -1;
    QElapsedTimer clock;
    qint64 firstReasoningMs = -1;
    qint64 firstContentMs = -1;
    QString stopReason = QStringLiteral("user");  // until the engine says otherwise
};

EngineBridgeCore::EngineBridgeCore(QObject *parent) : QObject(parent) {}

EngineBridgeCore::~EngineBridgeCore() {
    m_worker.reset();  // cancels and joins before the requests' batchers go
}

void EngineBridgeCore::unloadModel() {
    const QList<qint64> ids = m_requests.keys();
    for (qint64 id : ids) m_requests.value(id)->handle.cancel->store(true);
    m_worker.reset();
    ++m_loadSerial;
    for (qint64 id : ids) finishRequest(id, QString());
    m_planner.setModel(nullptr, nullptr);
    m_setup.reset();
    m_path.clear();
}

void EngineBridgeCore::loadModel(const QString &path, int contextSize) {
    unloadModel();
    m_path = path;
    m_lastPercent = -1;
    emit loadStarted(path);

    const hearth::GpuProbe probe = hearth::probe_gpus();
    if (!probe.available())
        emit gpuNotice(QStringLiteral("Running on the CPU: ") + QString::fromStdString(probe.reason));

    hearth::LoadOptions options;
    options.n_ctx = contextSize;
    // The model's saved load settings (KV type, GPU layers, its context when
    // the chat has none) from the Models page.
    applyModelLoadSettings(path, options);
    try {
        // The template (or ChatML with a note), special tokens and context: hearth/chat_setup.h.
        const hearth::GgufFile file = hearth::GgufFile::open(path.toStdString());
        m_setup = hearth::read_chat_setup(file, options.n_ctx);
        if (!m_setup->template_note.empty()) qWarning("Hearth: %s", m_setup->template_note.c_str());
        options.n_ctx = m_setup->n_ctx;
        // A tokenizer of the bridge's own counts prompts here, off the GUI thread and the engine's.
        m_planner.setModel(&*m_setup, std::make_shared<const hearth::Tokenizer>(hearth::Tokenizer::from_gguf(file)));
    } catch (const hearth::Error &e) {
        emit loadFailed(path, loadErrorText(e.code(), QString::fromUtf8(e.what()), path));
        return;
    } catch (const std::exception &e) {
        emit loadFailed(path, QString::fromUtf8(e.what()));
        return;
    }
    const int nCtx = m_setup->n_ctx;

    const quint64 serial = ++m_loadSerial;
    m_worker = std::make_unique<hearth::GenerationWorker>(
        path.toStdString(), options, [this, serial, nCtx](const hearth::WorkerStatus &status) {
            QMetaObject::invokeMethod(
                this,
                [this, serial, status, nCtx] {
                    if (serial != m_loadSerial) return;
                    if (status.kind == hearth::WorkerStatus::Kind_loaded)
                        emit modelLoaded(m_path, QString::fromStdString(status.description), nCtx);
                    else
                        onStatus(serial, status);
                },
                Qt::QueuedConnection);
        });
}

void EngineBridgeCore::onStatus(quint64 serial, const hearth::WorkerStatus &status) {
    if (serial != m_loadSerial) return;
    if (status.kind == hearth::WorkerStatus::Kind_progress) {
        const int percent = int(status.progress * 100.0f);
        if (percent == m_lastPercent) return;  // ~100 updates per load at most
        m_lastPercent = percent;
        emit loadProgress(double(status.progress));
    } else if (status.kind == hearth::WorkerStatus::Kind_failed) {
        const QString path = m_path;
        emit loadFailed(path, loadErrorText(status.error_code, QString::fromStdString(status.error), path));
    }
}

void EngineBridgeCore::generate(qint64 requestId, const QList<Message> &history, const QString &partial,
                                const GenerationSettings &settings) {
    auto r = std::make_shared<Request>();
    r->batcher = new TokenBatcher(this);
    connect(r->batcher, &TokenBatcher::flushed, this,
            [this, requestId](const QString &content, const QString &reasoning) {
                emit textReceived(requestId, content, reasoning);
            });
    r->clock.start();
    m_requests.insert(requestId, r);
    if (!m_worker || !m_setup) {
        finishRequest(requestId, QStringLiteral("No model is loaded. Open a GGUF file or download a model first."));
        return;
    }

    ContextPlan plan;
    try {
        plan = m_planner.plan(history, settings, partial);
    } catch (const hearth::Error &e) {
        finishRequest(requestId, generationErrorText(hearth::ErrorCode_template, QString::fromUtf8(e.what())));
        return;
    }
    emit contextPlanned(requestId, plan.usage);
    if (!plan.refusal.isEmpty()) {
        finishRequest(requestId, plan.refusal, true);
        return;
    }
    const std::string raw = partial.toStdString();
    hearth::OutputParserConfig config;
    config.tool_call_format = m_setup->tool_format;
    // The chat's tools type the XML parameters of Qwen3-Coder/Qwen3.5/GLM calls.
    if (!settings.tools.isEmpty())
        config.tools_json = QJsonDocument(settings.tools).toJson(QJsonDocument::Compact).toStdString();
    // Whether the template opened a reasoning block: the prompt before a continued reply's text.
    config.reasoning_open = hearth::prompt_opens_reasoning(plan.prompt.substr(0, plan.prompt.size() - raw.size()));
    r->parser = hearth::OutputParser(config);
    // Continuing: the parser must see the text already shown, which the UI keeps.
    if (!raw.empty()) r->parser.feed(raw);

    hearth::GenerateRequest request;
    request.prompt_ids = std::move(plan.promptIds);
    request.n_predict = settings.maxTokens > 0 ? settings.maxTokens : -1;
    r->seed = settings.seed >= 0 ? settings.seed : qint64(QRandomGenerator::global()->bounded(1u << 30));
    request.sampling.seed = uint64_t(r->seed);
    request.sampling.temperature = float(settings.temperature);
    request.sampling.top_p = float(settings.topP);
    request.sampling.top_k = settings.topK;
    request.sampling.min_p = float(settings.minP);
    r->handle = m_worker->submit(std::move(request), [this, requestId](const hearth::GenerateEvent &event) {
        QMetaObject::invokeMethod(this, [this, requestId, event] { onEvent(requestId, event); }, Qt::QueuedConnection);
        return true;
    });
}

void EngineBridgeCore::measureContext(qint64 requestId, const QList<Message> &history,
                                      const GenerationSettings &settings) {
    if (!m_setup) return;
    try {
        emit contextPlanned(requestId, m_planner.plan(history, settings, QString(), false).usage);
    } catch (const std::exception &e) {
        qWarning("Hearth: the context could not be measured: %s", e.what());  // the meter stays as it was
    }
}

void EngineBridgeCore::cancel(qint64 requestId) {
    auto it = m_requests.find(requestId);
    if (it != m_requests.end() && (*it)->handle.cancel) (*it)->handle.cancel->store(true);
}

void EngineBridgeCore::applyDelta(Request &r, const hearth::OutputDelta &delta) {
    if (!delta.reasoning.empty() && r.firstReasoningMs < 0) r.firstReasoningMs = r.clock.elapsed();
    if (!delta.content.empty() && r.firstContentMs < 0) r.firstContentMs = r.clock.elapsed();
    for (const hearth::ToolCall &call : delta.tool_calls) r.toolCalls.append(toolCallJson(call));
    r.batcher->append(QString::fromStdString(delta.content), QString::fromStdString(delta.reasoning));
}

void EngineBridgeCore::onEvent(qint64 requestId, const hearth::GenerateEvent &event) {
    auto it = m_requests.find(requestId);
    if (it == m_requests.end()) return;  // finished already (model replaced)
    Request &r = **it;
    switch (event.type) {
    case hearth::EventType_piece: applyDelta(r, r.parser.feed(event.text)); break;
    case hearth::EventType_stats: r.stats = event.stats; break;
    case hearth::EventType_done: {
        applyDelta(r, r.parser.finish());
        r.stopReason = stopReasonWord(event.stop_reason);
        finishRequest(requestId, QString());
        break;
    }
    case hearth::EventType_error:
        finishRequest(requestId,
                      generationErrorText(event.error_code, QString::fromStdString(event.error)));
        break;
    }
}

void EngineBridgeCore::finishRequest(qint64 requestId, const QString &error, bool refused) {
    std::shared_ptr<Request> r = m_requests.take(requestId);
    if (!r) return;
    r->batcher->flush();
    if (!r->parser.finished()) r->parser.finish();
    const hearth::ParsedOutput &out = r->parser.result();
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
        result.stats.thinkingMs = double((r->firstContentMs >= 0 ? r->firstContentMs : r->clock.elapsed()) -
                                   r->firstReasoningMs);
    r->batcher->deleteLater();
    emit generationFinished(requestId, result);
}

}  // namespace Hearth
