// Runs a program to completion for tests that drive hearth-cli (or another
// built binary) the way a user does.
#pragma once

#include <QByteArray>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace hearth_test {

struct ProcessRun {
    int code = -1;  // exit code; -1 when it could not start, crashed or timed out
    QByteArray out;
    QByteArray err;  // stderr, plus a line saying why when code is -1
};

// Feeds `input` on stdin and closes it. `env` defaults to the test's own environment.
ProcessRun run_process(const QString & program, const QStringList & args, const QByteArray & input = {},
                       int timeout_ms = 120000,
                       const QProcessEnvironment & env = QProcessEnvironment::systemEnvironment());

}  // namespace hearth_test
