// The JSON schema compiler: for many schemas, documents the grammar must
// accept and refuse; integer and number ranges checked exhaustively over a
// window; random documents walked through each grammar that must parse and
// validate (by a validator written apart from the compiler); json_object
// mode; and errors that name the schema location.
#include <QtTest>
#include <nlohmann/json.hpp>

#include "grammar_walk.h"
#include "hearth/error.h"
#include "hearth/grammar.h"
#include "hearth/json_schema_grammar.h"
#include "schema_cases.h"
#include "schema_validator.h"

using nlohmann::json;

namespace {

bool matches(const std::shared_ptr<const hearth::Grammar> & grammar, const std::string & text) {
    hearth::GrammarMatcher m(grammar);
    return m.accept(text) && m.accepting();
}

QString compile_error(const std::string & schema) {
    try {
        hearth::json_schema_grammar(schema);
    } catch (const hearth::Error & e) {
        return QString::fromUtf8(e.what());
    }
    return {};
}

std::string number_schema(const char * type, const char * bounds) {
    return std::string("{\"type\":\"") + type + "\"" + bounds + "}";
}

}  // namespace

class TestJsonSchemaGrammar : public QObject {
    Q_OBJECT

private slots:
    void acceptsAndRejects_data() {
        QTest::addColumn<int>("index");
        const auto & cases = grammar_test::schema_cases();
        for (size_t i = 0; i < cases.size(); ++i) QTest::newRow(cases[i].name.c_str()) << int(i);
    }

    void acceptsAndRejects() {
        QFETCH(int, index);
        const grammar_test::SchemaCase & c = grammar_test::schema_cases()[size_t(index)];
        const auto grammar = hearth::json_schema_grammar(c.schema);
        const json schema = json::parse(c.schema);
        for (const std::string & doc : c.accept) {
            QVERIFY2(matches(grammar, doc),
                     qPrintable(QString::fromStdString("should accept: " + doc + "\n" + grammar->gbnf())));
            // The case tables themselves must be right: accepted documents are valid.
            QVERIFY2(grammar_test::validate(json::parse(doc), schema).empty(), doc.c_str());
        }
        for (const std::string & doc : c.reject)
            QVERIFY2(!matches(grammar, doc), qPrintable(QString::fromStdString("should reject: " + doc)));
    }

    void randomDocumentsParseAndValidate_data() { acceptsAndRejects_data(); }

    void randomDocumentsParseAndValidate() {
        QFETCH(int, index);
        const grammar_test::SchemaCase & c = grammar_test::schema_cases()[size_t(index)];
        const auto grammar = hearth::json_schema_grammar(c.schema);
        const json schema = json::parse(c.schema);
        for (uint64_t seed = 1; seed <= 40; ++seed) {
            const int32_t budget = 40 + int32_t(seed % 5) * 60;
            const std::string doc =
                grammar_test::random_document(grammar, seed, std::max(budget, grammar->min_length()));
            QVERIFY2(!doc.empty(), qPrintable(QString("walk %1 got stuck").arg(seed)));
            const json value = json::parse(doc, nullptr, false);
            QVERIFY2(!value.is_discarded(), qPrintable(QString::fromStdString("not JSON: " + doc)));
            const std::string why = grammar_test::validate(value, schema);
            QVERIFY2(why.empty(), qPrintable(QString::fromStdString(why + " in " + doc)));
        }
    }

    void integerRangesAreExact() {
        const std::vector<std::pair<std::string, std::pair<long, long>>> ranges = {
            {",\"minimum\":-15,\"maximum\":120", {-15, 120}},
            {",\"minimum\":0", {0, 1000000}},
            {",\"maximum\":-3", {-1000000, -3}},
            {",\"minimum\":7,\"maximum\":7", {7, 7}},
            {",\"minimum\":99,\"maximum\":1001", {99, 1001}},
            {",\"exclusiveMinimum\":-1,\"exclusiveMaximum\":10", {0, 9}},
            {",\"minimum\":-999,\"maximum\":-100", {-999, -100}},
            {",\"minimum\":1.5,\"maximum\":20.5", {2, 20}},
            {",\"minimum\":5,\"exclusiveMinimum\":true,\"maximum\":9", {6, 9}},
        };
        for (const auto & [bounds, range] : ranges) {
            const auto grammar = hearth::json_schema_grammar(number_schema("integer", bounds.c_str()));
            for (long v = -1200; v <= 1200; ++v) {
                const bool in = v >= range.first && v <= range.second;
                QVERIFY2(matches(grammar, std::to_string(v)) == in,
                         qPrintable(QString::fromStdString(bounds + ": " + std::to_string(v))));
            }
            QVERIFY(!matches(grammar, "-0"));
            QVERIFY(!matches(grammar, "00"));
        }
    }

    void numberRangesAreExact() {
        struct Range {
            const char * bounds;
            double lo, hi;
            bool lo_excl, hi_excl;
        };
        const std::vector<Range> ranges = {
            {",\"minimum\":0,\"maximum\":100", 0, 100, false, false},
            {",\"exclusiveMinimum\":0,\"exclusiveMaximum\":1", 0, 1, true, true},
            {",\"minimum\":-2.5,\"maximum\":3", -2, 3, false, false},  // a fractional bound rounds inward
            {",\"minimum\":-10,\"exclusiveMaximum\":-1", -10, -1, false, true},
            {",\"exclusiveMinimum\":-5", -5, 1e18, true, false},
        };
        std::vector<std::string> numbers;
        for (int i = -120; i <= 120; ++i) {
            numbers.push_back(std::to_string(i));
            for (const char * frac : {".0", ".5", ".25", ".001", ".999"}) numbers.push_back(std::to_string(i) + frac);
        }
        numbers.insert(numbers.end(), {"-0.5", "-0.001", "0.0001", "-0"});
        for (const Range & r : ranges) {
            const auto grammar = hearth::json_schema_grammar(number_schema("number", r.bounds));
            for (const std::string & n : numbers) {
                const double v = std::stod(n);
                const bool above = r.lo_excl ? v > r.lo : v >= r.lo;
                const bool below = r.hi_excl ? v < r.hi : v <= r.hi;
                // "-0" and "2.0" are other spellings of values the grammar
                // writes as "0" and "2"; it need not accept them.
                const bool canonical = n != "-0" && !(n.size() > 2 && n.substr(n.size() - 2) == ".0");
                if (above && below && canonical)
                    QVERIFY2(matches(grammar, n),
                             qPrintable(QString(r.bounds) + ": accept " + QString::fromStdString(n)));
                if (!(above && below))
                    QVERIFY2(!matches(grammar, n),
                             qPrintable(QString(r.bounds) + ": reject " + QString::fromStdString(n)));
            }
        }
    }

    void jsonObjectMode() {
        const auto grammar = hearth::json_object_grammar();
        QVERIFY(matches(grammar, "{\"a\":[1,2,{\"b\":null}],\"c\":\"d\"}"));
        QVERIFY(matches(grammar, "{}"));
        QVERIFY(!matches(grammar, "[1]"));
        QVERIFY(!matches(grammar, "\"x\""));
        QVERIFY(!matches(grammar, "{\"a\":}"));
        for (uint64_t seed = 1; seed <= 20; ++seed) {
            const std::string doc = grammar_test::random_document(grammar, seed, 120);
            const json v = json::parse(doc, nullptr, false);
            QVERIFY2(v.is_object(), doc.c_str());
        }
    }

    void severalSchemasShareOneGrammar() {
        hearth::JsonGrammarBuilder b;
        const std::string a = b.add_schema(
            "{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"integer\"}},\"required\":[\"x\"]}", "tool-a");
        const std::string c = b.add_schema(
            "{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"string\"}},\"required\":[\"x\"]}", "tool-b");
        const auto grammar = b.build("\"A\" " + a + " | \"B\" " + c);
        QVERIFY(matches(grammar, "A{\"x\":1}"));
        QVERIFY(matches(grammar, "B{\"x\":\"s\"}"));
        QVERIFY(!matches(grammar, "A{\"x\":\"s\"}"));
        QVERIFY(!matches(grammar, "B{\"x\":1}"));
    }

    void errorsNameTheLocation() {
        QVERIFY(compile_error("{\"type\":").contains("not valid JSON"));
        QVERIFY(compile_error("{\"type\":\"strin\"}").contains("unknown type \"strin\""));
        QVERIFY(compile_error("{\"properties\":{\"a\":{\"type\":\"nope\"}}}").contains("/properties/a/type"));
        QVERIFY(compile_error("{\"properties\":[]}").contains("/properties"));
        QVERIFY(compile_error("{\"enum\":[]}").contains("/enum"));
        QVERIFY(compile_error("{\"$ref\":\"#/$defs/missing\"}").contains("does not resolve"));
        QVERIFY(compile_error("{\"$ref\":\"https://example.com/s.json\"}").contains("not a local reference"));
        QVERIFY(compile_error("{\"type\":\"string\",\"minLength\":5,\"maxLength\":2}").contains("/maxLength"));
        QVERIFY(compile_error("{\"type\":\"array\",\"minItems\":-1}").contains("/minItems"));
        QVERIFY(compile_error("{\"type\":\"integer\",\"minimum\":10,\"maximum\":2}").contains("no integer"));
        QVERIFY(compile_error("{\"required\":\"a\"}").contains("/required"));
        QVERIFY(compile_error("false").contains("no value matches"));
        QVERIFY(compile_error("[1]").contains("object or a boolean"));
        QVERIFY(compile_error("{\"anyOf\":[{\"type\":\"integer\"},{\"type\":\"bogus\"}]}").contains("/anyOf/1/type"));
        // A $ref cycle that never reaches a value is refused, not looped on.
        QVERIFY(
            !compile_error(
                 "{\"$defs\":{\"a\":{\"$ref\":\"#/$defs/b\"},\"b\":{\"$ref\":\"#/$defs/a\"}},\"$ref\":\"#/$defs/a\"}")
                 .isEmpty());
    }

    void hostileSchemasAreBounded() {
        std::string deep;
        for (int i = 0; i < 100; ++i) deep += "{\"type\":\"array\",\"items\":";
        deep += "{}" + std::string(100, '}');
        QVERIFY(compile_error(deep).contains("deeper than"));
        std::string bomb = "[" + std::string(200000, '[') + std::string(200000, ']') + "]";
        QVERIFY(compile_error(bomb).contains("deeper than"));
        // Nested large repetitions hit the size limit instead of allocating without end.
        std::string wide;
        for (int i = 0; i < 60; ++i) wide += "{\"type\":\"array\",\"maxItems\":9999,\"items\":";
        wide += "{\"type\":\"string\",\"maxLength\":9999}" + std::string(60, '}');
        QVERIFY(!compile_error(wide).isEmpty());
    }

    void unenforcedKeywordsLeaveNotes() {
        hearth::JsonGrammarBuilder b;
        b.add_schema(
            "{\"type\":\"object\",\"properties\":{\"p\":{\"type\":\"string\",\"pattern\":\"^(?=a)b$\"},\n"
            "                        "
            "\"m\":{\"type\":\"number\",\"multipleOf\":3},\"f\":{\"type\":\"string\",\"format\":\"hostname\"}},\n"
            "                        \"required\":[\"p\",\"m\",\"f\"]}",
            "s");
        std::string all;
        for (const std::string & n : b.notes()) all += n + "\n";
        QVERIFY2(all.find("/properties/p/pattern") != std::string::npos, all.c_str());
        QVERIFY2(all.find("/properties/m/multipleOf") != std::string::npos, all.c_str());
        QVERIFY2(all.find("hostname") != std::string::npos, all.c_str());
    }

    void literalsQuoteEverything() {
        const auto grammar =
            hearth::Grammar::parse("root ::= " + hearth::gbnf_literal("a\"b\\c\n\t\x01 \xC3\xA9") + "\n");
        QVERIFY(matches(grammar, "a\"b\\c\n\t\x01 \xC3\xA9"));
    }
};

QTEST_GUILESS_MAIN(TestJsonSchemaGrammar)
#include "test_json_schema_grammar.moc"
