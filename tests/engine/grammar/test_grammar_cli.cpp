// `hearth-cli run --json-schema / --grammar-file`: the streamed output of a
// random-weight model is a document of the schema or grammar, and a schema
// that cannot be compiled is an error that names the problem.
#include <QtTest>
#include <nlohmann/json.hpp>

#include "common/fixtures.h"
#include "common/process_runner.h"
#include "schema_validator.h"

using nlohmann::json;

class TestGrammarCli : public QObject {
    Q_OBJECT

    static hearth_test::ProcessRun run(const QStringList & extra) {
        QStringList args = {"run",
                            "-m",
                            QString::fromStdString(HEARTH_FIXTURE("models/stories260K.gguf")),
                            "-p",
                            "Once upon a time",
                            "--raw",
                            "--temp",
                            "1",
                            "-n",
                            "200",
                            "--threads",
                            "1"};
        return hearth_test::run_process(HEARTH_CLI_PATH, args + extra);
    }

private slots:
    void jsonSchemaOutputValidates() {
        const json schema = {{"type", "object"},
                             {"properties",
                              {{"title", {{"type", "string"}, {"maxLength", 16}}},
                               {"year", {{"type", "integer"}, {"minimum", 1900}, {"maximum", 2100}}},
                               {"tags", {{"type", "array"}, {"items", {{"enum", {"x", "y"}}}}, {"maxItems", 3}}}}},
                             {"required", {"title", "year", "tags"}},
                             {"additionalProperties", false}};
        for (const char * seed : {"1", "2", "3"}) {
            const auto res = run({"--seed", seed, "--json-schema", QString::fromStdString(schema.dump())});
            QVERIFY2(res.code == 0, res.err.constData());
            const json value = json::parse(res.out.toStdString(), nullptr, false);
            QVERIFY2(!value.is_discarded(), res.out.constData());
            QVERIFY2(grammar_test::validate(value, schema).empty(), res.out.constData());
            QVERIFY(res.err.contains("[stop: eog]"));  // ended because the document was complete
        }
    }

    void grammarFileOutputMatches() {
        QTemporaryDir dir;
        QFile f(dir.filePath("yesno.gbnf"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("root ::= (\"yes\" | \"no\") \", \" [0-9]{2}\n");
        f.close();
        const auto res = run({"--seed", "4", "--grammar-file", f.fileName()});
        QVERIFY2(res.code == 0, res.err.constData());
        QVERIFY2(QRegularExpression("^(yes|no), [0-9]{2}$").match(QString::fromUtf8(res.out)).hasMatch(),
                 res.out.constData());
    }

    void badSchemaIsAnError() {
        const auto res = run({"--json-schema", "{\"type\":\"strng\"}"});
        QVERIFY(res.code != 0);
        QVERIFY2(res.err.contains("unknown type \"strng\""), res.err.constData());
        const auto gbnf = run({"--grammar-file", "/nonexistent/x.gbnf"});
        QVERIFY(gbnf.code != 0);
        QVERIFY2(gbnf.err.contains("/nonexistent/x.gbnf"), gbnf.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestGrammarCli)
#include "test_grammar_cli.moc"
