#include "server_process.h"

#include <QElapsedTimer>
#include <QRegularExpression>

namespace server_test {

ServerProcess::ServerProcess(const QString & cli, const QStringList & args, const QString & shellPrefix) {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HEARTH_DATA_DIR"), m_dataDir.path());
    m_process.setProcessEnvironment(env);
    const QStringList serveArgs = QStringList{"serve", "--host", "127.0.0.1", "--port", "0"} + args;
    if (shellPrefix.isEmpty()) {
        m_process.setProgram(cli);
        m_process.setArguments(serveArgs);
    } else {
        // sh -c 'PREFIX; exec "$0" "$@"' CLI ARGS...: the arguments pass unquoted and unchanged.
        m_process.setProgram(QStringLiteral("/bin/sh"));
        m_process.setArguments(QStringList{"-c", shellPrefix + QStringLiteral("; exec \"$0\" \"$@\""), cli} +
                               serveArgs);
    }
    m_process.start();
}

ServerProcess::~ServerProcess() {
    stop();
}

bool ServerProcess::waitReady(int timeoutMs) {
    static const QRegularExpression re(QStringLiteral("listening on http://127\\.0\\.0\\.1:(\\d+)"));
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < timeoutMs) {
        m_process.waitForReadyRead(100);
        m_out += m_process.readAllStandardOutput();
        m_err += m_process.readAllStandardError();
        const auto match = re.match(QString::fromUtf8(m_out));
        if (match.hasMatch()) {
            m_port = match.captured(1).toInt();
            return true;
        }
        if (m_process.state() == QProcess::NotRunning) {
            m_err += m_process.readAllStandardError();
            m_error = QStringLiteral("hearth-cli serve exited (code %1): %2")
                          .arg(m_process.exitCode())
                          .arg(QString::fromUtf8(m_err));
            return false;
        }
    }
    m_error = QStringLiteral("hearth-cli serve printed no URL within %1 ms; stderr: %2")
                  .arg(timeoutMs)
                  .arg(QString::fromUtf8(m_err));
    return false;
}

QByteArray ServerProcess::stderrText() {
    m_err += m_process.readAllStandardError();
    return m_err;
}

int ServerProcess::stop(int timeoutMs) {
    if (m_process.state() == QProcess::NotRunning) return m_process.exitCode();
    m_process.terminate();
    if (!m_process.waitForFinished(timeoutMs)) {
        m_process.kill();
        m_process.waitForFinished(5000);
        return -1;
    }
    m_err += m_process.readAllStandardError();
    return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
}

}  // namespace server_test
