// ToolRunner: runs tool calls off the GUI thread, one worker-pool job each,
// and reports through queued signals on its own (the GUI) thread.
//
// Each call gets a timeout (default 60 s) measured here: when it passes, the
// call's CancelToken fires (an MCP request sends notifications/cancelled, a
// built-in tool sees `cancelled`) and the call finishes at once with a
// timeout error; whatever the job returns later is dropped. cancel() does
// the same with a "cancelled" error. A job that throws or returns something
// that is not a CallToolResult becomes an error result: finished() always
// carries a CallToolResult object.
#pragma once

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QThreadPool>
#include <memory>

#include "core/tool_registry.h"

namespace Hearth {

class ToolRunner : public QObject {
    Q_OBJECT
public:
    enum class Outcome { Ok, Failed, TimedOut, Cancelled };
    Q_ENUM(Outcome)

    explicit ToolRunner(QObject * parent = nullptr);
    ~ToolRunner() override;  // cancels every call and waits briefly for the pool

    // Starts `job` under `key` (the call's id); a key already running is refused (false).
    bool run(const QString & key, ToolJob job, int timeoutMs = 60000);
    void cancel(const QString & key);
    void cancelAll();
    bool running(const QString & key) const { return m_calls.contains(key); }
    int runningCount() const { return int(m_calls.size()); }

signals:
    // progress of total (total <= 0: unknown), with the server's message.
    void progress(const QString & key, double progress, double total, const QString & message);
    void finished(const QString & key, const QJsonObject & result, Hearth::ToolRunner::Outcome outcome);

private:
    struct Call;
    void complete(const QString & key, const QJsonObject & result, Outcome outcome);

    QThreadPool m_pool;
    QHash<QString, std::shared_ptr<Call>> m_calls;
};

}  // namespace Hearth
