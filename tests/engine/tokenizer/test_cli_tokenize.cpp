// hearth-cli tokenize, run as a user would: ids for a fixture input match
// llama.cpp's, the default adds the model's BOS, and bad input is an error.
#include <QProcess>
#include <QtTest>

#include "common/fixtures.h"
#include "common/process_runner.h"
#include "tokenizer_fixtures.h"

using namespace hearth_test;

namespace {

using Result = hearth_test::ProcessRun;

Result run_cli(const QStringList & args, const QByteArray & stdin_bytes) {
    return hearth_test::run_process(QStringLiteral(HEARTH_CLI_PATH), args, stdin_bytes);
}

QByteArray expected_line(const std::vector<int32_t> & ids) {
    QByteArray s = QByteArray::fromStdString(ids_to_string(ids)).mid(1);  // drop the leading space
    return s + "\n";
}

}  // namespace

class TestCliTokenize : public QObject {
    Q_OBJECT

private slots:
    void fixtureInputFromStdin_data() {
        QTest::addColumn<QString>("vocab");
        QTest::addColumn<int>("index");
        QTest::newRow("qwen2 emoji") << "qwen2" << 22;
        QTest::newRow("gpt-2 whitespace") << "gpt-2" << 45;
        QTest::newRow("llama-spm newline") << "llama-spm" << 28;
    }

    void fixtureInputFromStdin() {
        QFETCH(QString, vocab);
        QFETCH(int, index);
        const std::vector<VocabCase> cases = load_vocab_cases(vocab.toStdString());
        QVERIFY(index < static_cast<int>(cases.size()));
        const VocabCase & c = cases[index];
        const Result r =
            run_cli({"tokenize", "-m", QString::fromStdString(vocab_path(vocab.toStdString())), "--no-add-special"},
                    QByteArray::fromStdString(c.input));
        QCOMPARE(r.code, 0);
        QCOMPARE(r.out, expected_line(c.expected));
    }

    void defaultAddsBosForSpm() {
        const std::string path = vocab_path("llama-spm");
        const QString file = QString::fromStdString(output_dir() + "/cli_tokenize_input.txt");
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("Hello world");
        f.close();
        const Result r = run_cli({"tokenize", "-m", QString::fromStdString(path), file}, {});
        QCOMPARE(r.code, 0);
        QCOMPARE(r.out, QByteArray("1 15043 3186\n"));
        const Result special =
            run_cli({"tokenize", "-m", QString::fromStdString(path), "--parse-special"}, "Hello</s>");
        QCOMPARE(special.out, QByteArray("1 15043 2\n"));
    }

    void errors() {
        const Result missing = run_cli({"tokenize", "-m", "/nonexistent/model.gguf"}, "x");
        QCOMPARE(missing.code, 1);
        QVERIFY(missing.err.contains("/nonexistent/model.gguf"));
        const Result usage = run_cli({"tokenize"}, "x");
        QCOMPARE(usage.code, 2);
    }
};

QTEST_GUILESS_MAIN(TestCliTokenize)
#include "test_cli_tokenize.moc"
