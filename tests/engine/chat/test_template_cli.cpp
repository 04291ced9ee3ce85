// `hearth-cli template render` through a real process.
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "common/fixtures.h"
#include "common/process_runner.h"

namespace {

using Run = hearth_test::ProcessRun;

Run cli(const QStringList & args) {
    return hearth_test::run_process(QStringLiteral(HEARTH_CLI_PATH), args);
}

void writeFile(const QString & path, const QByteArray & bytes) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
}

}  // namespace

class TemplateCliTest : public QObject {
    Q_OBJECT

private slots:
    void rendersAFixtureExactly() {
        QTemporaryDir dir;
        const QString ctx = dir.filePath("ctx.json");
        writeFile(ctx, R"({"messages":[{"role":"user","content":"Hello! Who are you?"}],
                           "add_generation_prompt":true,"bos_token":"<|bos|>","eos_token":"<|eos|>"})");
        const QString tmpl =
            QString::fromStdString(HEARTH_FIXTURE("templates/source/meta-llama-Llama-3.1-8B-Instruct.jinja"));
        Run r = cli({"template", "render", "--template", tmpl, "--context", ctx, "--now", "2026-01-15T09:30:00"});
        QCOMPARE(r.code, 0);
        const std::string expected = hearth_test::read_text(
            HEARTH_FIXTURE("templates/expected/meta-llama-Llama-3.1-8B-Instruct/single_user.txt"));
        QCOMPARE(r.out, QByteArray::fromStdString(expected));  // no newline added
    }

    void clockIsInjectable() {
        QTemporaryDir dir;
        writeFile(dir.filePath("t.jinja"), "{{ strftime_now('%d %B %Y %A') }}");
        writeFile(dir.filePath("c.json"), "{}");
        Run r = cli({"template", "render", "--template", dir.filePath("t.jinja"), "--context", dir.filePath("c.json"),
                     "--now", "2026-01-15T09:30:00"});
        QCOMPARE(r.code, 0);
        QCOMPARE(r.out, QByteArray("15 January 2026 Thursday"));
    }

    void templateErrorExitsNonZero() {
        QTemporaryDir dir;
        writeFile(dir.filePath("t.jinja"), "ok\n{{ raise_exception('System role not supported') }}");
        writeFile(dir.filePath("c.json"), "{}");
        Run r = cli({"template", "render", "--template", dir.filePath("t.jinja"), "--context", dir.filePath("c.json")});
        QCOMPARE(r.code, 1);
        QVERIFY(r.out.isEmpty());
        QVERIFY2(r.err.contains("t.jinja:2:4: TemplateError: System role not supported"), r.err.constData());
    }

    void usageErrors() {
        QCOMPARE(cli({"template", "render", "--context", "x.json"}).code, 2);
        QCOMPARE(cli({"template", "frobnicate"}).code, 2);
        Run missing = cli({"template", "render", "--template", "/nonexistent.jinja", "--context", "/nonexistent.json"});
        QCOMPARE(missing.code, 1);
        QVERIFY(missing.err.contains("/nonexistent.jinja"));
    }
};

QTEST_APPLESS_MAIN(TemplateCliTest)
#include "test_template_cli.moc"
