// Templates beyond the fixtures, and small jinja2 semantics, against what
// Python jinja2 renders (tests/engine/chat/data, written by make_expected.py):
//  - data/source: real chat templates that are not fixtures. DeepSeek V3.2,
//    V4 and V4-Flash-0731 are llama.cpp's models/templates at 3f545bec (they
//    call `from_json` inside an `if`, which jinja2 checks only when it runs);
//    Gemma 3's is google/gemma-3-*-it's tokenizer_config.json template (see
//    data/README.md for the sources).
//  - the fixture templates of the new model families (gpt-oss, Qwen3.5,
//    Qwen3-Coder) with the extra conversations of data/cases_extra.json.
//  - data/semantics.json: when an unknown filter or test fails (at parse
//    time, or only when its branch runs), recursive loops, from_json...
#include <QDir>
#include <QTest>
#include <fstream>
#include <nlohmann/json.hpp>

#include "common/fixtures.h"
#include "fixed_clock.h"
#include "hearth/jinja.h"

using Json = nlohmann::ordered_json;

namespace {

const std::string k_data = HEARTH_TEMPLATES_TEST_DATA;

bool exists(const std::string & path) {
    return std::ifstream(path).good();
}

// The fixture conversations and the extra ones, by name.
Json allCases() {
    Json cases = Json::parse(hearth_test::read_text(hearth_test::fixture("templates/cases.json")));
    for (const Json & c : Json::parse(hearth_test::read_text(k_data + "/cases_extra.json"))) cases.push_back(c);
    return cases;
}

Json caseContext(const Json & c) {
    Json ctx = Json::object();
    ctx["messages"] = c["messages"];
    if (c.contains("tools")) ctx["tools"] = c["tools"];
    ctx["add_generation_prompt"] = c["add_generation_prompt"];
    ctx["bos_token"] = "<|bos|>";
    ctx["eos_token"] = "<|eos|>";
    if (c.contains("extra"))
        for (auto it = c["extra"].begin(); it != c["extra"].end(); ++it) ctx[it.key()] = it.value();
    return ctx;
}

std::string templateSource(const std::string & name) {
    const std::string local = k_data + "/source/" + name + ".jinja";
    if (exists(local)) return hearth_test::read_text(local);
    return hearth_test::read_text(hearth_test::fixture("templates/source/" + name + ".jinja"));
}

// Renders and compares with jinja2's result: the text byte for byte, or the
// exception's kind and (unless only the kind is comparable) its message.
void expectRender(const std::string & source, const std::string & name, const Json & context, const Json & expected) {
    std::string got;
    try {
        hearth::JinjaTemplate t(source, name);
        got = t.render(context.dump(), hearth_test::fixed_clock());
    } catch (const hearth::JinjaError & e) {
        if (!expected.contains("error_kind")) QFAIL(e.what());
        QCOMPARE(QString::fromStdString(e.kind()), QString::fromStdString(expected["error_kind"].get<std::string>()));
        if (expected.contains("error_message"))
            QCOMPARE(QString::fromStdString(e.reason()),
                     QString::fromStdString(expected["error_message"].get<std::string>()));
        QVERIFY(e.line() > 0);
        return;
    }
    if (expected.contains("error_kind"))
        QFAIL(("rendered, but jinja2 raised " + expected["error_kind"].get<std::string>() + ": " + got.substr(0, 300))
                  .c_str());
    QCOMPARE(QString::fromStdString(got), QString::fromStdString(expected["expected"].get<std::string>()));
    QVERIFY(got == expected["expected"].get<std::string>());
}

}  // namespace

class JinjaJinja2Test : public QObject {
    Q_OBJECT

private slots:
    void templates_data() {
        QTest::addColumn<QString>("templateName");
        QTest::addColumn<QString>("caseName");
        const Json cases = allCases();
        int rows = 0;
        for (const QString & t : QDir(QString::fromStdString(k_data + "/expected"))
                                     .entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
            for (const Json & c : cases) {
                const std::string base = k_data + "/expected/" + t.toStdString() + "/" + c["name"].get<std::string>();
                if (!exists(base + ".txt") && !exists(base + ".error")) continue;
                QTest::newRow(qPrintable(t + "/" + QString::fromStdString(c["name"].get<std::string>())))
                    << t << QString::fromStdString(c["name"].get<std::string>());
                ++rows;
            }
        }
        QVERIFY2(rows >= 80, "the jinja2 renders of tests/engine/chat/data are missing");
    }

    void templates() {
        QFETCH(QString, templateName);
        QFETCH(QString, caseName);
        Json c;
        for (const Json & x : allCases())
            if (x["name"] == caseName.toStdString()) c = x;
        const std::string base = k_data + "/expected/" + templateName.toStdString() + "/" + caseName.toStdString();
        Json expected = Json::object();
        if (exists(base + ".txt")) {
            expected["expected"] = hearth_test::read_text(base + ".txt");
        } else {
            std::string error = hearth_test::read_text(base + ".error");
            while (!error.empty() && error.back() == '\n') error.pop_back();
            const auto colon = error.find(": ");
            expected["error_kind"] = error.substr(0, colon);
            // Python's json module words its errors its own way; the kind must still match.
            if (!c.value("error_kind_only", false)) expected["error_message"] = error.substr(colon + 2);
        }
        expectRender(templateSource(templateName.toStdString()), templateName.toStdString(), caseContext(c), expected);
    }

    void semantics_data() {
        QTest::addColumn<int>("index");
        const Json all = Json::parse(hearth_test::read_text(k_data + "/semantics.json"));
        QVERIFY(all.size() >= 40);
        for (size_t i = 0; i < all.size(); ++i) QTest::newRow(all[i]["name"].get<std::string>().c_str()) << int(i);
    }

    void semantics() {
        QFETCH(int, index);
        const Json entry = Json::parse(hearth_test::read_text(k_data + "/semantics.json"))[size_t(index)];
        Json expected = entry;
        // Python's json.loads and Hearth word a malformed-JSON error differently.
        if (entry.value("error_kind", "") == "JSONDecodeError") expected.erase("error_message");
        expectRender(entry["template"].get<std::string>(), "t.jinja", entry["context"], expected);
    }

    // The DeepSeek templates reach from_json only for string arguments; with
    // object arguments (the fixture convention) the branch never runs, and
    // jinja2 without any from_json renders them the same.
    void deepseekTemplatesCallFromJsonInABranch() {
        for (const char * name :
             {"deepseek-ai-DeepSeek-V3.2", "deepseek-ai-DeepSeek-V4", "deepseek-ai-DeepSeek-V4-Flash-0731"}) {
            const std::string source = templateSource(name);
            QVERIFY(source.find("from_json") != std::string::npos);
            hearth::JinjaTemplate t(source, name);
            Json c;
            for (const Json & x : allCases())
                if (x["name"] == "tool_round_trip") c = x;
            QCOMPARE(
                QString::fromStdString(t.render(caseContext(c).dump(), hearth_test::fixed_clock())),
                QString::fromStdString(hearth_test::read_text(k_data + "/expected/" + name + "/tool_round_trip.txt")));
        }
    }
};

QTEST_APPLESS_MAIN(JinjaJinja2Test)
#include "test_jinja_jinja2.moc"
