// The calculator: arithmetic as written (precedence, associativity, unary
// minus, functions, constants), clear errors, and hostile input (deep
// nesting, huge input, garbage) that ends in an error, never a crash.
#include <QtTest>
#include <cmath>

#include "tools/calculator_tool.h"
#include "tools/expression.h"

using nlohmann::json;
using namespace Hearth::Tools;

class TestCalculator : public QObject {
    Q_OBJECT
private slots:
    void evaluates_data() {
        QTest::addColumn<QString>("expr");
        QTest::addColumn<double>("value");
        QTest::newRow("precedence") << "1 + 2 * 3" << 7.0;
        QTest::newRow("parens") << "(1 + 2) * 3" << 9.0;
        QTest::newRow("left assoc minus") << "10 - 4 - 3" << 3.0;
        QTest::newRow("left assoc divide") << "64 / 4 / 2" << 8.0;
        QTest::newRow("power right assoc") << "2 ^ 3 ^ 2" << 512.0;
        QTest::newRow("python power") << "2 ** 10" << 1024.0;
        QTest::newRow("unary minus below power") << "-2 ^ 2" << -4.0;
        QTest::newRow("negative exponent") << "2 ^ -1" << 0.5;
        QTest::newRow("double minus") << "3 - -2" << 5.0;
        QTest::newRow("unary plus") << "+4" << 4.0;
        QTest::newRow("remainder") << "17 % 5" << 2.0;
        QTest::newRow("negative remainder") << "-7 % 3" << -1.0;
        QTest::newRow("decimals") << ".5 + 1.25" << 1.75;
        QTest::newRow("exponent notation") << "1.5e3 + 2E-1" << 1500.2;
        QTest::newRow("sqrt") << "sqrt(16) + abs(-3)" << 7.0;
        QTest::newRow("trig") << "sin(pi / 2) + cos(0)" << 2.0;
        QTest::newRow("log natural") << "log(e)" << 1.0;
        QTest::newRow("log base") << "log(8, 2)" << 3.0;
        QTest::newRow("log10") << "log10(1000)" << 3.0;
        QTest::newRow("exp ln") << "ln(exp(2))" << 2.0;
        QTest::newRow("round") << "round(2.5) + floor(-1.5) + ceil(1.2)" << 3.0;
        QTest::newRow("min max variadic") << "max(1, 7, 3) - min(4, -2, 9)" << 9.0;
        QTest::newRow("pow hypot") << "pow(2, 5) + hypot(3, 4)" << 37.0;
        QTest::newRow("tau") << "tau / pi" << 2.0;
        QTest::newRow("unicode operators") << "6 × 7 ÷ 2 − 1" << 20.0;
        QTest::newRow("whitespace") << " \t( 1+1 )\n" << 2.0;
        QTest::newRow("nested functions") << "sqrt(sqrt(sqrt(256)))" << 2.0;
    }

    void evaluates() {
        QFETCH(QString, expr);
        QFETCH(double, value);
        const ExpressionResult r = evaluateExpression(expr.toStdString());
        QVERIFY2(r.value.has_value(), r.error.c_str());
        QVERIFY2(std::fabs(*r.value - value) < 1e-9, qPrintable(QString::number(*r.value, 'g', 17)));
    }

    void refuses_data() {
        QTest::addColumn<QString>("expr");
        QTest::addColumn<QString>("error");
        QTest::newRow("empty") << "   "
                               << "empty";
        QTest::newRow("division by zero") << "1 / (2 - 2)"
                                          << "division by zero";
        QTest::newRow("remainder by zero") << "5 % 0"
                                           << "by zero";
        QTest::newRow("sqrt negative") << "sqrt(-1)"
                                       << "not a finite number";
        QTest::newRow("log zero") << "ln(0)"
                                  << "not a finite number";
        QTest::newRow("overflow") << "10 ^ 400"
                                  << "not a finite number";
        QTest::newRow("huge literal") << "1e999"
                                      << "too large";
        QTest::newRow("unknown name") << "x + 1"
                                      << "unknown name 'x'";
        QTest::newRow("unknown function") << "system(1)"
                                          << "unknown function 'system'";
        QTest::newRow("arity") << "sqrt(1, 2)"
                               << "sqrt() takes 1 argument, got 2";
        QTest::newRow("no args") << "max()"
                                 << "at least one";
        QTest::newRow("unclosed") << "(1 + 2"
                                  << "ends too early";
        QTest::newRow("stray paren") << "1 + 2)"
                                     << "unexpected ')' at position 6";
        QTest::newRow("two numbers") << "1 2"
                                     << "unexpected '2'";
        QTest::newRow("operator run") << "1 + * 2"
                                      << "unexpected '*'";
        QTest::newRow("code") << "__import__('os').system('id')"
                              << "unknown function '__import__'";
        QTest::newRow("shell") << "$(id)"
                               << "unexpected '$'";
        QTest::newRow("control byte") << QString("1 +") + QChar(1) << "unexpected 'byte 1'";
    }

    void refuses() {
        QFETCH(QString, expr);
        QFETCH(QString, error);
        const ExpressionResult r = evaluateExpression(expr.toStdString());
        QVERIFY(!r.value);
        QVERIFY2(QString::fromStdString(r.error).contains(error), r.error.c_str());
    }

    void hostileInputIsBounded() {
        // Deep nesting: fine up to the limit, an error past it, whatever the shape.
        const std::string ok = std::string(60, '(') + "1" + std::string(60, ')');
        QCOMPARE(*evaluateExpression(ok).value, 1.0);
        const std::string deep = std::string(400, '(') + "1" + std::string(400, ')');
        QVERIFY(evaluateExpression(deep).error.find("nested deeper") != std::string::npos);
        QVERIFY(evaluateExpression(std::string(900, '-') + "1").error.find("nested deeper") != std::string::npos);
        std::string funcs;
        for (int i = 0; i < 100; ++i) funcs += "abs(";
        QVERIFY(evaluateExpression(funcs + "1" + std::string(100, ')')).error.find("nested deeper") !=
                std::string::npos);
        std::string powers = "2";
        for (int i = 0; i < 300; ++i) powers += "^1";
        QVERIFY(evaluateExpression(powers).error.find("nested deeper") != std::string::npos);
        // Length, arguments, and a million random bytes.
        QVERIFY(evaluateExpression(std::string(5000, '1')).error.find("longer than") != std::string::npos);
        std::string args = "max(";
        for (int i = 0; i < 100; ++i) args += "1,";
        QVERIFY(evaluateExpression(args + "1)").error.find("more than 64 arguments") != std::string::npos);
        uint32_t x = 12345;
        for (int round = 0; round < 2000; ++round) {
            std::string junk;
            for (int i = 0; i < 500; ++i) {
                x = x * 1664525u + 1013904223u;
                junk.push_back(char("0123456789+-*/%^()., pie"[x % 24]));
            }
            const ExpressionResult r = evaluateExpression(junk);
            QVERIFY(r.value.has_value() != !r.error.empty());
        }
    }

    void formatsNumbers() {
        QCOMPARE(formatNumber(42), std::string("42"));
        QCOMPARE(formatNumber(-3), std::string("-3"));
        QCOMPARE(formatNumber(0.1 + 0.2), std::string("0.3"));
        QCOMPARE(formatNumber(1.0 / 3), std::string("0.333333333333333"));
        QCOMPARE(formatNumber(1e20), std::string("1e+20"));
        QCOMPARE(formatNumber(9007199254740991.0), std::string("9007199254740991"));
    }

    void toolAnswersInTheMcpShape() {
        const CalculatorTool tool;
        QCOMPARE(tool.name(), std::string("calculator"));
        QCOMPARE(tool.inputSchema()["required"], json::array({"expression"}));
        const json ok = tool.call({{"expression", "6 * 7"}}, {});
        QCOMPARE(ok, json({{"content", json::array({{{"type", "text"}, {"text", "42"}}})},
                           {"isError", false},
                           {"structuredContent", {{"result", 42.0}}}}));
        const json bad = tool.call({{"expression", "1/0"}}, {});
        QCOMPARE(bad["isError"], json(true));
        QVERIFY(bad["content"][0]["text"].get<std::string>().find("division by zero") != std::string::npos);
        QCOMPARE(tool.call({{"expression", 5}}, {})["isError"], json(true));
        QCOMPARE(tool.call(json::object(), {})["content"][0]["text"], json("the argument `expression` is missing"));
        QCOMPARE(tool.call(json::array(), {})["isError"], json(true));
    }
};

QTEST_GUILESS_MAIN(TestCalculator)
#include "test_calculator.moc"
