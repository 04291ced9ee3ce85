// ServerProcess: `hearth-cli serve --port 0 ...` as a child process. It waits
// for the "listening on http://HOST:PORT" line and parses the port, and stops
// the server with SIGTERM (then SIGKILL) when it goes out of scope. Its data
// directory (settings, default model folder) is a fresh temporary one.
#pragma once

#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <memory>
#include <string>

namespace server_test {

class ServerProcess {
public:
    // Starts hearth-cli with `serve --host 127.0.0.1 --port 0` plus `args`.
    // `shellPrefix`, when given, runs first in a shell that then execs the
    // server (e.g. "ulimit -l 0" to start it with a lower limit).
    ServerProcess(const QString & cli, const QStringList & args, const QString & shellPrefix = {});
    ~ServerProcess();

    // False when the server exited or did not print its URL in time; error() says why.
    bool waitReady(int timeoutMs = 60000);
    int port() const { return m_port; }
    std::string baseUrl() const { return "http://127.0.0.1:" + std::to_string(m_port); }
    bool running() const { return m_process.state() == QProcess::Running; }
    qint64 pid() const { return m_process.processId(); }
    QString error() const { return m_error; }
    // Everything the server wrote on stderr so far (its request log).
    QByteArray stderrText();
    // Stops it with SIGTERM; the exit code, or -1 when it had to be killed.
    int stop(int timeoutMs = 10000);

private:
    QTemporaryDir m_dataDir;
    QProcess m_process;
    QByteArray m_out;
    QByteArray m_err;
    QString m_error;
    int m_port = 0;
};

}  // namespace server_test
