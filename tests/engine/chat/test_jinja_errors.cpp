// Errors name the line and column; hostile templates hit a bound, not the
// machine's limits.
#include <QTest>
#include <ctime>

#include "hearth/jinja.h"

namespace {

hearth::JinjaError renderError(const std::string & source, const std::string & context = "{}",
                               const hearth::JinjaRenderOptions & options = {}) {
    try {
        hearth::JinjaTemplate t(source, "t.jinja");
        std::string out = t.render(context, options);
        QTest::qFail(("rendered instead of failing: " + out.substr(0, 200)).c_str(), __FILE__, __LINE__);
    } catch (const hearth::JinjaError & e) {
        return e;
    }
    return hearth::JinjaError("none", "none", "t.jinja", 0, 0);
}

}  // namespace

class JinjaErrorsTest : public QObject {
    Q_OBJECT

private slots:
    void syntaxErrorHasLineAndColumn() {
        auto e = renderError("line one\n{% if true %}\n  {{ 1 + }}\n{% endif %}");
        QCOMPARE(QString::fromStdString(e.kind()), QStringLiteral("TemplateSyntaxError"));
        QCOMPARE(e.line(), 3);
        QCOMPARE(e.column(), 10);  // the `}}` where an operand was expected
        QCOMPARE(e.code(), hearth::ErrorCode_template);
        QVERIFY(QString(e.what()).startsWith("t.jinja:3:10: TemplateSyntaxError: "));
    }

    void unclosedBlockIsASyntaxError() {
        auto e = renderError("{% for m in messages %}\nno end");
        QCOMPARE(QString::fromStdString(e.kind()), QStringLiteral("TemplateSyntaxError"));
        QVERIFY(QString::fromStdString(e.reason()).contains("endfor"));
        auto u = renderError("{% frobnicate %}");
        QVERIFY(QString::fromStdString(u.reason()).contains("frobnicate"));
        auto s = renderError("{{ 'unterminated }}");
        QCOMPARE(QString::fromStdString(s.kind()), QStringLiteral("TemplateSyntaxError"));
    }

    // As jinja2 3.x: outside an if or inline-if an unknown filter or test is
    // refused when the template is parsed, even where it would never run...
    void unknownFilterOutsideIfFailsAtParseTime() {
        auto e = renderError("ok\n{% for x in [] %}{{ x | no_such_filter }}{% endfor %}");
        QCOMPARE(QString::fromStdString(e.kind()), QStringLiteral("TemplateAssertionError"));
        QCOMPARE(QString::fromStdString(e.reason()), QStringLiteral("No filter named 'no_such_filter'."));
        QCOMPARE(e.line(), 2);
        auto t = renderError("{{ x is no_such_test }}");
        QCOMPARE(QString::fromStdString(t.reason()), QStringLiteral("No test named 'no_such_test'."));
        // A for body is a frame of its own: hard again inside an if.
        auto f = renderError("{% if false %}{% for x in y %}{{ x | nope }}{% endfor %}{% endif %}");
        QCOMPARE(QString::fromStdString(f.kind()), QStringLiteral("TemplateAssertionError"));
    }

    // ...while inside one it fails only if it runs, with jinja2's runtime error.
    void unknownFilterInIfFailsWhenItRuns() {
        hearth::JinjaTemplate dead(
            "ok{% if false %}{{ x | no_such_filter }}{% endif %}{{ 1 if true else (2 | nope) }}");
        QCOMPARE(QString::fromStdString(dead.render("{}")), QStringLiteral("ok1"));
        auto e = renderError("a\n{% if x %}\n  {{ x | no_such_filter }}{% endif %}", R"({"x": 1})");
        QCOMPARE(QString::fromStdString(e.kind()), QStringLiteral("TemplateRuntimeError"));
        QCOMPARE(QString::fromStdString(e.reason()), QStringLiteral("No filter named 'no_such_filter' found."));
        QCOMPARE(e.line(), 3);
        auto t = renderError("{% if 1 is no_such_test %}{% endif %}");
        QCOMPARE(QString::fromStdString(t.reason()), QStringLiteral("No test named 'no_such_test' found."));
        // Named at run time by map() and select(): jinja2's environment words it without "found".
        auto m = renderError("{{ [1] | map('nope') | list }}");
        QCOMPARE(QString::fromStdString(m.kind()), QStringLiteral("TemplateRuntimeError"));
        QCOMPARE(QString::fromStdString(m.reason()), QStringLiteral("No filter named 'nope'."));
    }

    void raiseExceptionCarriesMessageAndPosition() {
        auto e = renderError("a\n  {{ raise_exception('Only user and assistant roles are supported!') }}");
        QCOMPARE(QString::fromStdString(e.kind()), QStringLiteral("TemplateError"));
        QCOMPARE(QString::fromStdString(e.reason()), QStringLiteral("Only user and assistant roles are supported!"));
        QCOMPARE(e.line(), 2);
        QCOMPARE(e.column(), 6);
    }

    void undefinedErrorsMatchJinja2() {
        QCOMPARE(QString::fromStdString(renderError("{{ foo.bar }}").reason()), QStringLiteral("'foo' is undefined"));
        QCOMPARE(QString::fromStdString(renderError("{{ d.x.y }}", R"({"d": {}})").reason()),
                 QStringLiteral("'dict object' has no attribute 'x'"));
        QCOMPARE(QString::fromStdString(renderError("{{ l[3].y }}", R"({"l": [1]})").reason()),
                 QStringLiteral("list object has no element 3"));
        QCOMPARE(QString::fromStdString(renderError("{{ 'a' + functions }}").reason()),
                 QStringLiteral("'functions' is undefined"));
        // Printing, iterating and testing an undefined value is fine, as in jinja2.
        hearth::JinjaTemplate ok(
            "[{{ nope }}{% for x in nope %}x{% endfor %}{{ nope is defined }}{{ nope | length }}]");
        QCOMPARE(QString::fromStdString(ok.render("{}")), QStringLiteral("[False0]"));
    }

    void typeErrors() {
        QCOMPARE(QString::fromStdString(renderError("{{ 1 + 'a' }}").kind()), QStringLiteral("TypeError"));
        QCOMPARE(QString::fromStdString(renderError("{{ 1 // 0 }}").kind()), QStringLiteral("ZeroDivisionError"));
        QCOMPARE(QString::fromStdString(renderError("{{ [1].append(2) }}").kind()), QStringLiteral("SecurityError"));
        QCOMPARE(QString::fromStdString(renderError("{% set x = 1 %}{% set x.y = 2 %}").kind()),
                 QStringLiteral("TemplateRuntimeError"));
    }

    void infiniteRecursionHitsTheCallDepth() {
        auto e = renderError("{% macro r(n) %}{{ r(n + 1) }}{% endmacro %}{{ r(0) }}");
        QCOMPARE(QString::fromStdString(e.kind()), QStringLiteral("LimitError"));
        QVERIFY(e.line() == 1);
    }

    void hugeRepetitionHitsTheOutputCap() {
        const std::clock_t start = std::clock();  // CPU time: a loaded machine does not make it fail
        QCOMPARE(QString::fromStdString(renderError("{{ 'a' * 10**9 }}").kind()), QStringLiteral("LimitError"));
        QCOMPARE(QString::fromStdString(renderError("{{ ['a'] * 10**12 }}").kind()), QStringLiteral("LimitError"));
        QCOMPARE(
            QString::fromStdString(
                renderError(
                    "{% set ns = namespace(s='ab') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}")
                    .kind()),
            QStringLiteral("LimitError"));
        QCOMPARE(QString::fromStdString(renderError("{{ range(10**15) | length }}").kind()),
                 QStringLiteral("LimitError"));
        QCOMPARE(QString::fromStdString(renderError("{{ 2 ** 10000 }}").kind()), QStringLiteral("OverflowError"));
        // Bounded, not merely eventually failing: well under a second each.
        QVERIFY(double(std::clock() - start) / CLOCKS_PER_SEC < 20.0);
    }

    void outputCapAndStepBudgetAreConfigurable() {
        hearth::JinjaRenderOptions small;
        small.limits.max_output_bytes = 1000;
        auto e = renderError("{% for i in range(1000) %}xx{% endfor %}", "{}", small);
        QCOMPARE(QString::fromStdString(e.kind()), QStringLiteral("LimitError"));

        hearth::JinjaRenderOptions few;
        few.limits.max_steps = 10000;
        auto s = renderError("{% for i in range(1000) %}{% for j in range(1000) %}{% endfor %}{% endfor %}", "{}", few);
        QCOMPARE(QString::fromStdString(s.kind()), QStringLiteral("LimitError"));
        QVERIFY(QString::fromStdString(s.reason()).contains("10000"));

        // The same template within budget renders.
        hearth::JinjaTemplate ok("{% for i in range(30) %}{% for j in range(30) %}{% endfor %}{% endfor %}done");
        QCOMPARE(QString::fromStdString(ok.render("{}")), QStringLiteral("done"));
    }

    void deepNestingIsASyntaxErrorNotACrash() {
        std::string deep = "{{ " + std::string(100000, '(') + "1" + std::string(100000, ')') + " }}";
        QCOMPARE(QString::fromStdString(renderError(deep).kind()), QStringLiteral("TemplateSyntaxError"));
        std::string blocks;
        for (int i = 0; i < 5000; ++i) blocks += "{% if true %}";
        QCOMPARE(QString::fromStdString(renderError(blocks).kind()), QStringLiteral("TemplateSyntaxError"));
        std::string nots = "{{ " + [] {
            std::string s;
            for (int i = 0; i < 100000; ++i) s += "not ";
            return s;
        }() + "1 }}";
        QCOMPARE(QString::fromStdString(renderError(nots).kind()), QStringLiteral("TemplateSyntaxError"));
    }

    void malformedContextIsAFormatError() {
        hearth::JinjaTemplate t("x");
        try {
            t.render("{not json");
            QFAIL("accepted malformed JSON");
        } catch (const hearth::JinjaError &) {
            QFAIL("a context problem is not a template error");
        } catch (const hearth::Error & e) {
            QCOMPARE(e.code(), hearth::ErrorCode_format);
        }
        QVERIFY_THROWS_EXCEPTION(hearth::Error, t.render("[1, 2]"));
    }
};

QTEST_APPLESS_MAIN(JinjaErrorsTest)
#include "test_jinja_errors.moc"
