// The date-and-time tool in fixed time zones, and the set of built-in tools:
// names, schemas, the MCP result shape, and their policies (all off by
// default; fetch_url asks every time).
#include <QtTest>
#include <cstdlib>
#include <ctime>

#include "tools/builtin_tools.h"
#include "tools/datetime_tool.h"
#include "tools/tool_result.h"

using nlohmann::json;
using namespace Hearth::Tools;

namespace {

void setZone(const char * tz) {
    ::setenv("TZ", tz, 1);
    ::tzset();
}

}  // namespace

class TestBuiltinTools : public QObject {
    Q_OBJECT
private slots:
    void describesAMomentInUtc() {
        setZone("UTC0");
        const json m = describeMoment(1748779402);  // 2025-06-01 12:03:22 UTC, a Sunday
        QCOMPARE(m["local"], json("2025-06-01T12:03:22+00:00"));
        QCOMPARE(m["utc"], json("2025-06-01T12:03:22Z"));
        QCOMPARE(m["weekday"], json("Sunday"));
        QCOMPARE(m["utcOffset"], json("+00:00"));
        QCOMPARE(m["unix"], json(1748779402));
        QVERIFY(m["text"].get<std::string>().find("Sunday, 01 June 2025, 12:03:22") != std::string::npos);
    }

    void describesAMomentInAnotherZone() {
        // POSIX zone strings need no tz database: three and a half hours east of UTC, and west.
        setZone("ABC-3:30");
        json m = describeMoment(1748779402);
        QCOMPARE(m["local"], json("2025-06-01T15:33:22+03:30"));
        QCOMPARE(m["timezone"], json("ABC"));
        QCOMPARE(m["utc"], json("2025-06-01T12:03:22Z"));
        setZone("XYZ10");
        m = describeMoment(1748779402);
        QCOMPARE(m["local"], json("2025-06-01T02:03:22-10:00"));
        QCOMPARE(m["weekday"], json("Sunday"));
        setZone("XYZ13");
        QCOMPARE(describeMoment(1748779402)["weekday"], json("Saturday"));
        setZone("UTC0");
    }

    void dateTimeToolAnswersNow() {
        const DateTimeTool tool;
        const std::time_t before = std::time(nullptr);
        const json r = tool.call(json::object(), {});
        QCOMPARE(r["isError"], json(false));
        QCOMPARE(r["content"][0]["type"], json("text"));
        const long long seconds = r["structuredContent"]["unix"];
        QVERIFY(seconds >= before && seconds <= before + 5);
        QVERIFY(r["content"][0]["text"].get<std::string>().find(r["structuredContent"]["utc"].get<std::string>()) !=
                std::string::npos);
    }

    void theSetOfTools() {
        BuiltinToolSettings settings;
        auto tools = makeBuiltinTools(settings);
        std::vector<std::string> names;
        for (const auto & t : tools) names.push_back(t->name());
        QCOMPARE(names, (std::vector<std::string>{"current_datetime", "calculator", "fetch_url"}));
        settings.fileRoots = {QDir::tempPath().toStdString()};
        tools = makeBuiltinTools(settings);
        names.clear();
        for (const auto & t : tools) {
            names.push_back(t->name());
            const json d = t->definition();
            QCOMPARE(d["name"], json(t->name()));
            QVERIFY(!d["description"].get<std::string>().empty());
            QCOMPARE(d["inputSchema"]["type"], json("object"));
            QVERIFY(!t->policy().enabledByDefault);
            QCOMPARE(t->policy().confirmEveryTime, t->name() == "fetch_url");
            // Bad arguments are a result the model reads, never an exception.
            const json bad = t->call(json::array({1, 2}), {});
            QVERIFY(bad.contains("content") && bad["content"].is_array());
        }
        QCOMPARE(names, (std::vector<std::string>{"current_datetime", "calculator", "read_file", "list_directory",
                                                  "fetch_url"}));
    }

    void resultHelpers() {
        QCOMPARE(errorResult("x"), json::parse(R"({"content":[{"type":"text","text":"x"}],"isError":true})"));
        QCOMPARE(textResult("y"), json::parse(R"({"content":[{"type":"text","text":"y"}],"isError":false})"));
        QVERIFY(isText("plain ✓ text\n"));
        QVERIFY(!isText(std::string("a\0b", 3)));
        QVERIFY(!isText("\xC0\xAF"));          // overlong "/"
        QVERIFY(!isText("\xED\xA0\x80"));      // a UTF-16 surrogate
        QVERIFY(!isText("\xF4\x90\x80\x80"));  // past U+10FFFF
        QVERIFY(!isText("\xE2\x9C"));          // cut short
        QCOMPARE(sanitizeUtf8("a\xFFz"), std::string("a\xEF\xBF\xBDz"));
    }
};

QTEST_GUILESS_MAIN(TestBuiltinTools)
#include "test_builtin_tools.moc"
