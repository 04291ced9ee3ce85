#include "common/process_runner.h"

#include <QProcess>

namespace hearth_test {

ProcessRun run_process(const QString & program, const QStringList & args, const QByteArray & input, int timeout_ms,
                       const QProcessEnvironment & env) {
    ProcessRun run;
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(program, args);
    if (!p.waitForStarted(10000)) {
        run.err = "cannot start " + program.toUtf8() + ": " + p.errorString().toUtf8();
        return run;
    }
    if (!input.isEmpty()) p.write(input);
    p.closeWriteChannel();
    if (!p.waitForFinished(timeout_ms)) {
        p.kill();
        p.waitForFinished(5000);
        run.err = p.readAllStandardError() + "\n" + program.toUtf8() + " timed out after " +
                  QByteArray::number(timeout_ms) + " ms";
        return run;
    }
    run.out = p.readAllStandardOutput();
    run.err = p.readAllStandardError();
    if (p.exitStatus() != QProcess::NormalExit) {
        run.err += "\n" + program.toUtf8() + " crashed";
        return run;
    }
    run.code = p.exitCode();
    return run;
}

}  // namespace hearth_test
