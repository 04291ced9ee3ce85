#include "mcp/server_supervisor.h"

namespace Hearth::Mcp {

using Clock = std::chrono::steady_clock;

namespace {
// A server that ran this long before crashing starts its backoff afresh.
constexpr std::chrono::seconds kStableRun{60};
}  // namespace

const char * serverStateName(ServerState state) {
    switch (state) {
        case ServerState::Stopped:
            return "stopped";
        case ServerState::Starting:
            return "starting";
        case ServerState::Running:
            return "running";
        case ServerState::Restarting:
            return "restarting";
        case ServerState::Failed:
            return "failed";
    }
    return "?";
}

ServerSupervisor::ServerSupervisor(ServerConfig config, SupervisorOptions options)
    : m_config(std::move(config)), m_options(std::move(options)) {
    if (m_config.transport == ServerTransport::Stdio)
        m_status.logPath = serverLogPath(m_options.transport, m_config.name);
    m_thread = std::thread([this] { run(); });
}

ServerSupervisor::~ServerSupervisor() {
    {
        // What the callback captured may already be gone (declared after the supervisor): no reports from here on.
        std::lock_guard lock(m_mutex);
        m_onStatus = nullptr;
    }
    stop();
    {
        std::lock_guard lock(m_mutex);
        m_quit = true;
    }
    m_wake.notify_all();
    m_thread.join();
}

void ServerSupervisor::setOnStatus(std::function<void(const ServerStatus &)> fn) {
    std::lock_guard lock(m_mutex);
    m_onStatus = std::move(fn);
}

ServerStatus ServerSupervisor::status() const {
    std::lock_guard lock(m_mutex);
    return m_status;
}

std::vector<ToolInfo> ServerSupervisor::tools() const {
    std::lock_guard lock(m_mutex);
    return m_tools;
}

std::chrono::milliseconds ServerSupervisor::backoff(int attempt) const {
    auto delay = m_options.backoffInitial;
    for (int i = 1; i < attempt && delay < m_options.backoffMax; ++i) delay *= 2;
    return std::min(delay, m_options.backoffMax);
}

void ServerSupervisor::publish(std::unique_lock<std::mutex> & lock) {
    const ServerStatus s = m_status;
    const auto fn = m_onStatus;
    lock.unlock();
    if (fn) fn(s);
}

std::shared_ptr<McpClient> ServerSupervisor::client() {
    {
        std::lock_guard lock(m_mutex);
        m_wanted = true;
        if (m_client && m_status.state == ServerState::Running) return m_client;
    }
    return connectNow();
}

void ServerSupervisor::start() {
    std::unique_lock lock(m_mutex);
    m_wanted = true;
    if (m_client || m_status.state == ServerState::Starting) return;
    m_failures = 0;
    m_connectDue = true;
    m_retryAt = Clock::now();
    lock.unlock();
    m_wake.notify_all();
}

void ServerSupervisor::stop() {
    std::shared_ptr<McpClient> client;
    std::unique_lock lock(m_mutex);
    m_wanted = false;
    m_connectDue = false;
    client = std::move(m_client);
    m_tools.clear();
    m_status.toolCount = 0;
    const bool changed = m_status.state != ServerState::Stopped;
    m_status.state = ServerState::Stopped;
    lock.unlock();
    if (client) client->close();
    lock.lock();
    if (changed) publish(lock);
}

std::shared_ptr<McpClient> ServerSupervisor::connectNow() {
    std::lock_guard connecting(m_connectMutex);
    std::unique_lock lock(m_mutex);
    if (m_client && m_status.state == ServerState::Running) return m_client;
    m_status.state = ServerState::Starting;
    publish(lock);

    ClientOptions options = m_options.client;
    if (m_config.timeout) options.requestTimeout = *m_config.timeout;
    std::shared_ptr<McpClient> client;
    std::vector<ToolInfo> tools;
    try {
        client = std::make_shared<McpClient>(makeTransport(m_config, m_options.transport), options);
        const McpClient * raw = client.get();
        client->setOnClosed([this, raw](const std::string & why) { crashed(raw, why); });
        client->setOnToolsChanged([this] {
            {
                std::lock_guard l(m_mutex);
                m_toolsStale = true;
            }
            m_wake.notify_all();
        });
        client->connect();
        tools = client->listTools();
    } catch (const McpError & e) {
        if (client) client->close();
        lock.lock();
        ++m_failures;
        m_status.error = e.what();
        if (e.kind() == McpErrorKind::Config || m_failures >= m_options.maxAttempts || !m_wanted) {
            m_status.state = m_wanted ? ServerState::Failed : ServerState::Stopped;
            m_connectDue = false;
        } else {
            m_status.state = ServerState::Restarting;
            m_connectDue = true;
            m_retryAt = Clock::now() + backoff(m_failures);
        }
        publish(lock);
        m_wake.notify_all();
        throw;
    }
    lock.lock();
    m_client = client;
    m_tools = std::move(tools);
    m_toolsStale = false;
    m_connectDue = false;
    m_runningSince = Clock::now();
    m_status.state = ServerState::Running;
    m_status.error.clear();
    m_status.toolCount = m_tools.size();
    publish(lock);
    return client;
}

void ServerSupervisor::crashed(const McpClient * which, const std::string & why) {
    // On the crashed client's transport thread: it cannot be destroyed here (its thread would join
    // itself), so it is retired to the supervisor's thread.
    std::unique_lock lock(m_mutex);
    if (!m_client || m_client.get() != which) return;
    m_retired = std::move(m_client);
    m_tools.clear();
    m_status.toolCount = 0;
    m_status.error = why;
    if (Clock::now() - m_runningSince >= kStableRun) m_failures = 0;
    ++m_failures;
    if (!m_wanted) {
        m_status.state = ServerState::Stopped;
    } else if (m_failures >= m_options.maxAttempts) {
        m_status.state = ServerState::Failed;
    } else {
        m_status.state = ServerState::Restarting;
        ++m_status.restarts;
        m_connectDue = true;
        m_retryAt = Clock::now() + backoff(m_failures);
    }
    publish(lock);
    m_wake.notify_all();
}

void ServerSupervisor::refreshTools() {
    std::shared_ptr<McpClient> client;
    {
        std::lock_guard lock(m_mutex);
        m_toolsStale = false;
        client = m_client;
    }
    if (!client) return;
    try {
        std::vector<ToolInfo> tools = client->listTools();
        std::unique_lock lock(m_mutex);
        if (m_client != client) return;
        m_tools = std::move(tools);
        m_status.toolCount = m_tools.size();
        publish(lock);
    } catch (const McpError &) {
        // The old list stays; a crash, if that is what this was, is reported through crashed().
    }
}

void ServerSupervisor::run() {
    std::unique_lock lock(m_mutex);
    while (!m_quit) {
        if (m_retired) {
            auto retired = std::move(m_retired);
            lock.unlock();
            retired.reset();  // joins the dead transport's thread
            lock.lock();
            continue;
        }
        if (m_toolsStale && m_client) {
            lock.unlock();
            refreshTools();
            lock.lock();
            continue;
        }
        if (m_connectDue && m_wanted) {
            if (Clock::now() < m_retryAt) {
                m_wake.wait_until(lock, m_retryAt);
                continue;
            }
            m_connectDue = false;
            lock.unlock();
            try {
                connectNow();
            } catch (const McpError &) {
                // connectNow() recorded it and scheduled the next attempt, if any.
            }
            lock.lock();
            continue;
        }
        m_wake.wait(lock);
    }
}

}  // namespace Hearth::Mcp
