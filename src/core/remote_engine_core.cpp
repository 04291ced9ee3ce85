#include "core/remote_engine_core.h"

#include <utility>

#include "core/token_batcher.h"

namespace Hearth {

RemoteEngineCore::~RemoteEngineCore() {
    // Shutdown: every transfer stops within a moment; what it posts after is dropped with this object.
    for (const std::shared_ptr<Request> & r : std::as_const(m_requests)) r->cancel->store(true);
    for (const std::shared_ptr<Request> & r : std::as_const(m_requests))
        if (r->thread.joinable()) r->thread.join();
}

void RemoteEngineCore::start(qint64 requestId, const RemoteModel & model, const QByteArray & body, qint64 seed) {
    if (std::shared_ptr<Request> old = m_requests.take(requestId)) {
        // The id reused while its request runs: the old one ends unseen (its posts carry its serial).
        old->cancel->store(true);
        if (old->thread.joinable()) old->thread.join();
        old->batcher->deleteLater();
    }
    auto r = std::make_shared<Request>();
    r->serial = ++m_serial;
    r->seed = seed;
    r->contextSize = model.contextSize;
    r->batcher = new TokenBatcher(this);
    connect(r->batcher, &TokenBatcher::flushed, this,
            [this, requestId](const QString & content, const QString & reasoning) {
                emit textReceived(requestId, content, reasoning);
            });
    r->clock.start();
    m_requests.insert(requestId, r);
    // The transfer thread posts to this object; posts that outlive it are dropped by Qt.
    r->thread = std::thread([this, requestId, serial = r->serial, endpoint = model.endpoint, body, cancel = r->cancel] {
        RemoteStreamResult stream = streamRemoteChat(
            endpoint, body,
            [this, requestId, serial](const RemoteDelta & d) {
                QMetaObject::invokeMethod(
                    this, [this, requestId, serial, d] { onDelta(requestId, serial, d); }, Qt::QueuedConnection);
            },
            *cancel);
        QMetaObject::invokeMethod(
            this, [this, requestId, serial, stream] { onEnd(requestId, serial, stream); }, Qt::QueuedConnection);
    });
}

void RemoteEngineCore::cancel(qint64 requestId) {
    auto it = m_requests.find(requestId);
    if (it != m_requests.end()) (*it)->cancel->store(true);
}

void RemoteEngineCore::onDelta(qint64 requestId, quint64 serial, const RemoteDelta & delta) {
    auto it = m_requests.find(requestId);
    if (it == m_requests.end() || (*it)->serial != serial) return;
    Request & r = **it;
    if (!delta.reasoning.isEmpty() && r.firstReasoningMs < 0) r.firstReasoningMs = r.clock.elapsed();
    if (!delta.content.isEmpty() && r.firstContentMs < 0) r.firstContentMs = r.clock.elapsed();
    r.batcher->append(delta.content, delta.reasoning);
}

ReplyStats RemoteEngineCore::statsOf(const Request & r, const RemoteStreamResult & stream) {
    ReplyStats s = stream.reply.stats();
    const qint64 endMs = r.clock.elapsed();
    qint64 firstMs = r.firstContentMs;
    if (r.firstReasoningMs >= 0 && (firstMs < 0 || r.firstReasoningMs < firstMs)) firstMs = r.firstReasoningMs;
    // Servers without llama.cpp's timings: measured here, network included.
    if (s.timeToFirstTokenMs <= 0 && firstMs >= 0) s.timeToFirstTokenMs = double(firstMs);
    if (s.generationTokensPerSecond <= 0 && s.generatedTokens > 1 && firstMs >= 0 && endMs > firstMs)
        s.generationTokensPerSecond = (s.generatedTokens - 1) * 1000.0 / double(endMs - firstMs);
    if (r.firstReasoningMs >= 0)
        s.thinkingMs = double((r.firstContentMs >= 0 ? r.firstContentMs : endMs) - r.firstReasoningMs);
    if (stream.cancelled)
        s.stopReason = QStringLiteral("user");
    else if (!stream.error.isEmpty())
        s.stopReason = QStringLiteral("error");
    return s;
}

void RemoteEngineCore::onEnd(qint64 requestId, quint64 serial, RemoteStreamResult stream) {
    auto it = m_requests.find(requestId);
    if (it == m_requests.end() || (*it)->serial != serial) return;
    std::shared_ptr<Request> r = *it;
    m_requests.erase(it);
    if (r->thread.joinable()) r->thread.join();  // it posted this as its last act
    r->batcher->flush();
    r->batcher->deleteLater();
    GenerationResult result;
    result.content = stream.reply.content();
    result.reasoning = stream.reply.reasoning();
    result.toolCalls = stream.reply.toolCalls();
    if (stream.error.isEmpty() && !stream.cancelled) stream.error = stream.reply.error();  // malformed tool arguments
    result.error = stream.error;
    result.seed = r->seed;
    result.stats = statsOf(*r, stream);
    if (r->contextSize > 0 && result.stats.promptTokens > 0) {
        ContextUsage usage;
        usage.promptTokens = result.stats.promptTokens;
        usage.contextSize = r->contextSize;
        emit contextPlanned(requestId, usage);
    }
    emit generationFinished(requestId, result);
}

}  // namespace Hearth
