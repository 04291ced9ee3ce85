#include "core/tool_runner.h"

#include <QFutureWatcher>
#include <QPointer>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>
#include <mutex>

#include "core/tool_json.h"
#include "mcp/cancel_token.h"

namespace Hearth {

// Progress crosses from the worker to this thread through a guarded pointer:
// the guard is cleared (under its lock) before the runner goes.
struct ProgressSink {
    std::mutex mutex;
    ToolRunner * runner = nullptr;
};

struct ToolRunner::Call {
    std::shared_ptr<Mcp::CancelToken> cancel = std::make_shared<Mcp::CancelToken>();
    std::shared_ptr<ProgressSink> sink = std::make_shared<ProgressSink>();
    QFutureWatcher<QJsonObject> * watcher = nullptr;
    QTimer * timer = nullptr;
};

ToolRunner::ToolRunner(QObject * parent) : QObject(parent) {
    m_pool.setMaxThreadCount(8);
}

ToolRunner::~ToolRunner() {
    const QList<QString> keys = m_calls.keys();
    for (const QString & key : keys) {
        const auto call = m_calls.value(key);
        {
            std::lock_guard lock(call->sink->mutex);
            call->sink->runner = nullptr;
        }
        call->cancel->cancel();
    }
    // A cancelled MCP request returns at once; a built-in tool polls its flag.
    m_pool.waitForDone(5000);
}

bool ToolRunner::run(const QString & key, ToolJob job, int timeoutMs) {
    if (m_calls.contains(key) || !job) return false;
    auto call = std::make_shared<Call>();
    call->sink->runner = this;
    const auto cancel = call->cancel;
    const auto sink = call->sink;
    const std::chrono::milliseconds timeout(timeoutMs);
    auto work = [job = std::move(job), cancel, sink, key, timeout]() -> QJsonObject {
        const ToolProgressFn onProgress = [sink, key](double p, std::optional<double> total, const std::string & msg) {
            std::lock_guard lock(sink->mutex);
            if (!sink->runner) return;
            QMetaObject::invokeMethod(sink->runner, "progress", Qt::QueuedConnection, Q_ARG(QString, key),
                                      Q_ARG(double, p), Q_ARG(double, total.value_or(0)),
                                      Q_ARG(QString, QString::fromStdString(msg)));
        };
        try {
            const QJsonValue v = toQJson(job(*cancel, timeout, onProgress));
            if (!v.isObject() || !v.toObject().value("content").isArray())
                return toolErrorResult(QStringLiteral("The tool returned something that is not a tool result."));
            return v.toObject();
        } catch (const std::exception & e) {
            return toolErrorResult(QStringLiteral("The tool failed: ") + QString::fromUtf8(e.what()));
        } catch (...) {
            return toolErrorResult(QStringLiteral("The tool failed."));
        }
    };
    call->watcher = new QFutureWatcher<QJsonObject>(this);
    connect(call->watcher, &QFutureWatcherBase::finished, this, [this, key, watcher = call->watcher] {
        const QJsonObject result = watcher->result();
        complete(key, result, result.value("isError").toBool() ? Outcome::Failed : Outcome::Ok);
    });
    call->timer = new QTimer(this);
    call->timer->setSingleShot(true);
    connect(call->timer, &QTimer::timeout, this, [this, key, timeoutMs] {
        complete(key,
                 toolErrorResult(QStringLiteral("The tool did not answer within %1 s and was stopped.")
                                     .arg(timeoutMs / 1000.0, 0, 'g', 3)),
                 Outcome::TimedOut);
    });
    m_calls.insert(key, call);
    call->watcher->setFuture(QtConcurrent::run(&m_pool, std::move(work)));
    call->timer->start(timeoutMs);
    return true;
}

void ToolRunner::cancel(const QString & key) {
    if (!m_calls.contains(key)) return;
    complete(key, toolErrorResult(QStringLiteral("The call was cancelled by the user.")), Outcome::Cancelled);
}

void ToolRunner::cancelAll() {
    const QList<QString> keys = m_calls.keys();
    for (const QString & key : keys) cancel(key);
}

void ToolRunner::complete(const QString & key, const QJsonObject & result, Outcome outcome) {
    const std::shared_ptr<Call> call = m_calls.take(key);
    if (!call) return;  // already finished (a late result after a timeout or cancel)
    {
        std::lock_guard lock(call->sink->mutex);
        call->sink->runner = nullptr;
    }
    if (outcome == Outcome::TimedOut || outcome == Outcome::Cancelled) call->cancel->cancel();
    call->timer->stop();
    call->timer->deleteLater();
    // The watcher goes when its job is done; a job still running keeps its own copies.
    call->watcher->disconnect(this);
    connect(call->watcher, &QFutureWatcherBase::finished, call->watcher, &QObject::deleteLater);
    if (call->watcher->isFinished()) call->watcher->deleteLater();
    emit finished(key, result, outcome);
}

}  // namespace Hearth
