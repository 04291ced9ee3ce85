// Every fixture template x every conversation, rendered by Hearth, compared
// byte for byte with what Python jinja2 rendered (expected/<t>/<case>.txt),
// or failing as jinja2 failed (expected/<t>/<case>.error).
#include <QDir>
#include <QTest>
#include <fstream>
#include <nlohmann/json.hpp>

#include "common/fixtures.h"
#include "fixed_clock.h"
#include "hearth/chat_template.h"
#include "hearth/jinja.h"

using Json = nlohmann::ordered_json;

namespace {

bool exists(const std::string & path) {
    return std::ifstream(path).good();
}

hearth::ChatRequest toRequest(const Json & c) {
    hearth::ChatRequest r;
    r.add_generation_prompt = c["add_generation_prompt"].get<bool>();
    if (c.contains("tools")) r.tools_json = c["tools"].dump();
    for (const Json & m : c["messages"]) {
        hearth::ChatMessage msg;
        msg.role = m["role"].get<std::string>();
        msg.content = m.value("content", std::string());
        msg.reasoning_content = m.value("reasoning_content", std::string());
        msg.tool_call_id = m.value("tool_call_id", std::string());
        msg.name = m.value("name", std::string());
        if (m.contains("tool_calls")) {
            for (const Json & tc : m["tool_calls"])
                msg.tool_calls.push_back({tc.value("id", std::string()), tc["function"]["name"].get<std::string>(),
                                          tc["function"]["arguments"].dump()});
        }
        r.messages.push_back(std::move(msg));
    }
    return r;
}

}  // namespace

class JinjaFixturesTest : public QObject {
    Q_OBJECT

private slots:
    void render_data();
    void render();
    void chatApi_data() { render_data(); }
    void chatApi();
    void cleanupTestCase();

private:
    int m_matched = 0;
    int m_total = 0;
};

void JinjaFixturesTest::render_data() {
    QTest::addColumn<QString>("templateName");
    QTest::addColumn<int>("caseIndex");
    const std::string dir = hearth_test::fixture("templates");
    const Json cases = Json::parse(hearth_test::read_text(dir + "/cases.json"));
    QStringList templates =
        QDir(QString::fromStdString(dir + "/source")).entryList({"*.jinja"}, QDir::Files, QDir::Name);
    QVERIFY(templates.size() >= 30);
    int rows = 0;
    for (const QString & t : templates) {
        const QString name = t.chopped(6);
        for (size_t i = 0; i < cases.size(); ++i) {
            const std::string base =
                dir + "/expected/" + name.toStdString() + "/" + cases[i]["name"].get<std::string>();
            if (!exists(base + ".txt") && !exists(base + ".error")) continue;
            QTest::newRow(qPrintable(name + "/" + QString::fromStdString(cases[i]["name"].get<std::string>())))
                << name << int(i);
            ++rows;
        }
    }
    QVERIFY(rows >= 250);
}

// Renders with the exact context jinja2 saw and compares.
void JinjaFixturesTest::render() {
    QFETCH(QString, templateName);
    QFETCH(int, caseIndex);
    const std::string dir = hearth_test::fixture("templates");
    const Json c = Json::parse(hearth_test::read_text(dir + "/cases.json"))[size_t(caseIndex)];
    const std::string source = hearth_test::read_text(dir + "/source/" + templateName.toStdString() + ".jinja");
    const std::string base = dir + "/expected/" + templateName.toStdString() + "/" + c["name"].get<std::string>();

    Json ctx = Json::object();
    ctx["messages"] = c["messages"];
    if (c.contains("tools")) ctx["tools"] = c["tools"];
    ctx["add_generation_prompt"] = c["add_generation_prompt"];
    ctx["bos_token"] = "<|bos|>";
    ctx["eos_token"] = "<|eos|>";

    ++m_total;
    hearth::JinjaTemplate tmpl(source, templateName.toStdString());
    if (exists(base + ".txt")) {
        const std::string expected = hearth_test::read_text(base + ".txt");
        std::string got;
        try {
            got = tmpl.render(ctx.dump(), hearth_test::fixed_clock());
        } catch (const hearth::Error & e) {
            QFAIL(e.what());
        }
        QCOMPARE(QString::fromStdString(got), QString::fromStdString(expected));
        QVERIFY(got == expected);  // bytes, not just the decoded text
    } else {
        std::string expected = hearth_test::read_text(base + ".error");
        while (!expected.empty() && (expected.back() == '\n' || expected.back() == '\r')) expected.pop_back();
        const auto colon = expected.find(": ");
        QVERIFY(colon != std::string::npos);
        try {
            tmpl.render(ctx.dump(), hearth_test::fixed_clock());
            QFAIL(("rendered, but jinja2 raised " + expected).c_str());
        } catch (const hearth::JinjaError & e) {
            QCOMPARE(QString::fromStdString(e.kind()), QString::fromStdString(expected.substr(0, colon)));
            QCOMPARE(QString::fromStdString(e.reason()), QString::fromStdString(expected.substr(colon + 2)));
            QVERIFY(e.line() > 0);
            QCOMPARE(e.code(), hearth::ErrorCode_template);
        }
    }
    ++m_matched;
}

// The same conversations through the struct API the app uses.
void JinjaFixturesTest::chatApi() {
    QFETCH(QString, templateName);
    QFETCH(int, caseIndex);
    const std::string dir = hearth_test::fixture("templates");
    const Json c = Json::parse(hearth_test::read_text(dir + "/cases.json"))[size_t(caseIndex)];
    const std::string base = dir + "/expected/" + templateName.toStdString() + "/" + c["name"].get<std::string>();
    auto chat = hearth::ChatTemplate::from_file(dir + "/source/" + templateName.toStdString() + ".jinja");
    QVERIFY(!chat.is_fallback());
    const hearth::ChatSpecialTokens tokens{"<|bos|>", "<|eos|>"};
    if (exists(base + ".txt")) {
        QCOMPARE(QString::fromStdString(chat.apply(toRequest(c), tokens, hearth_test::fixed_clock())),
                 QString::fromStdString(hearth_test::read_text(base + ".txt")));
    } else {
        QVERIFY_THROWS_EXCEPTION(hearth::JinjaError, chat.apply(toRequest(c), tokens, hearth_test::fixed_clock()));
    }
}

void JinjaFixturesTest::cleanupTestCase() {
    qInfo("jinja fixtures: %d/%d matched", m_matched, m_total);
    QCOMPARE(m_matched, m_total);
}

QTEST_APPLESS_MAIN(JinjaFixturesTest)
#include "test_jinja_fixtures.moc"
