// StdioTransport: an MCP server as a child process, speaking JSON-RPC as one
// JSON message per line on its stdin and stdout (the MCP stdio transport).
//
// One I/O thread polls the child's stdout, stderr, stdin (when there is
// something to write) and a wake pipe, so nothing the server does can block
// the caller: send() only queues; a server that never reads its input fills
// the queue up to a cap and then send() fails; a flood of output is read and
// dropped line by line within the size limit; malformed lines are logged and
// skipped; stderr goes to a size-capped log file. When the server exits, the
// reason (exit code or signal, with the last lines of stderr) is reported.
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "mcp/bounded_json.h"
#include "mcp/capped_log.h"
#include "mcp/child_process.h"
#include "mcp/line_reader.h"
#include "mcp/transport.h"

namespace Hearth::Mcp {

struct StdioOptions {
    SpawnSpec spawn;
    std::string logPath;  // stderr log; "" keeps only an in-memory tail
    size_t logMaxBytes = 1u << 20;
    JsonLimits limits;                              // maxBytes is also the longest line accepted
    size_t maxQueuedBytes = 64u << 20;              // unsent input to the server
    std::chrono::milliseconds shutdownGrace{2000};  // after closing stdin, and again after SIGTERM
};

class StdioTransport : public Transport {
public:
    explicit StdioTransport(StdioOptions options);
    ~StdioTransport() override;

    void start(Handlers handlers) override;
    void send(const nlohmann::json & message) override;
    void close() override;
    std::string describe() const override;
    std::string stderrTail() const override { return m_log.tail(); }

    pid_t pid() const { return m_child ? m_child->pid() : -1; }

private:
    void run();
    bool pumpStdout();
    void pumpStderr();
    bool pumpStdin();
    void deliverLine(std::string_view line);
    void dropped(const std::string & what);
    void finish(const std::string & why);
    void wake();

    StdioOptions m_options;
    CappedLog m_log;
    LineReader m_reader;
    std::unique_ptr<ChildProcess> m_child;
    Handlers m_handlers;
    std::thread m_thread;
    int m_wake[2] = {-1, -1};

    std::mutex m_mutex;  // guards the queue and m_connected
    std::deque<std::string> m_queue;
    size_t m_queuedBytes = 0;
    bool m_connected = false;
    std::string m_closedWhy;

    std::atomic<bool> m_stopping{false};
    bool m_stdoutOpen = true;
    bool m_stderrOpen = true;
    std::string m_writing;  // the message being written, and how far
    size_t m_written = 0;
    size_t m_droppedCount = 0;
};

}  // namespace Hearth::Mcp
