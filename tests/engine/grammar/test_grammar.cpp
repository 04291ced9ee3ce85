// The GBNF grammar and its matcher: what a grammar accepts and refuses (byte
// by byte, across UTF-8, repetitions and recursion), the parser's errors, the
// distances that let generation close a document, and the bounds that keep a
// hostile grammar or document from exhausting memory or the stack.
#include <QtTest>

#include "hearth/error.h"
#include "hearth/grammar.h"

namespace {

std::shared_ptr<const hearth::Grammar> g(const std::string & text) {
    return hearth::Grammar::parse(text);
}

bool matches(const std::shared_ptr<const hearth::Grammar> & grammar, const std::string & text,
             hearth::GrammarLimits limits = {}) {
    hearth::GrammarMatcher m(grammar, limits);
    return m.accept(text) && m.accepting();
}

// A prefix that may still grow into a document.
bool viable(const std::shared_ptr<const hearth::Grammar> & grammar, const std::string & text) {
    hearth::GrammarMatcher m(grammar);
    return m.accept(text);
}

QString parse_error(const std::string & text) {
    try {
        hearth::Grammar::parse(text);
    } catch (const hearth::Error & e) {
        return QString::fromUtf8(e.what());
    }
    return {};
}

}  // namespace

class TestGrammar : public QObject {
    Q_OBJECT

private slots:
    void sequencesAndAlternatives() {
        const auto gr = g("root ::= \"ab\" (\"c\" | \"d\" x) \nx ::= \"x\" | \"yy\"\n");
        QVERIFY(matches(gr, "abc"));
        QVERIFY(matches(gr, "abdx"));
        QVERIFY(matches(gr, "abdyy"));
        QVERIFY(!matches(gr, "abd"));
        QVERIFY(viable(gr, "abd"));
        QVERIFY(!viable(gr, "abe"));
        QVERIFY(!matches(gr, "abcx"));
        QVERIFY(!matches(gr, ""));
    }

    void classesNegationAndRanges() {
        const auto gr = g("root ::= [a-cx] [^0-9\"]* \"!\"");
        QVERIFY(matches(gr, "a!"));
        QVERIFY(matches(gr, "xyz!"));
        QVERIFY(matches(gr, "b\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80!"));  // é, 中, 😀 pass a negated class
        QVERIFY(!matches(gr, "d!"));
        QVERIFY(!matches(gr, "a1!"));
        QVERIFY(!matches(gr, "a\"!"));
        // Invalid UTF-8 never passes, even where the class allows "anything".
        QVERIFY(!viable(gr,
                        "a\xC3"
                        "a"));
        QVERIFY(!viable(gr, "a\xC0\x80"));          // overlong NUL
        QVERIFY(!viable(gr, "a\xED\xA0\x80"));      // a surrogate
        QVERIFY(!viable(gr, "a\xF4\x90\x80\x80"));  // above U+10FFFF
        QVERIFY(viable(gr, "a\xE4\xB8"));           // a character cut in the middle may still complete
    }

    void nonAsciiRangesAndEscapes() {
        const auto gr = g("root ::= [\\u00e0-\\u00ff] \"\\x41\" [\\U0001F600-\\U0001F64F] \"\\n\" \"\\\"\"");
        QVERIFY(matches(gr,
                        "\xC3\xA9"
                        "A"
                        "\xF0\x9F\x98\x80\n\""));
        QVERIFY(!matches(gr,
                         "\xC3\x9F"
                         "A"
                         "\xF0\x9F\x98\x80\n\""));  // ß is below the range
        QVERIFY(!matches(gr,
                         "\xC3\xA9"
                         "A"
                         "\xF0\x9F\x99\x90\n\""));  // U+1F650 is above it
    }

    void repetitions() {
        const auto gr = g("root ::= \"a\"{2,4} \"b\"+ \"c\"? (\"de\")* [0-9]{3}\n");
        QVERIFY(matches(gr, "aab123"));
        QVERIFY(matches(gr, "aaaabbbcdede000"));
        QVERIFY(!matches(gr, "ab123"));
        QVERIFY(!matches(gr, "aaaaab123"));
        QVERIFY(!matches(gr, "aa123"));
        QVERIFY(!matches(gr, "aabd123"));
        QVERIFY(!matches(gr, "aab12"));
        QVERIFY(!matches(gr, "aab1234"));
        const auto open = g("root ::= \"x\"{3,} | \"y\"{,2}\n");
        QVERIFY(matches(open, "xxxxxxx"));
        QVERIFY(!matches(open, "xx"));
        QVERIFY(matches(open, ""));
        QVERIFY(matches(open, "yy"));
        QVERIFY(!matches(open, "yyy"));
    }

    void recursionAndComments() {
        const auto gr = g("# balanced brackets\nroot ::= item*   # any number\nitem ::= \"[\" root \"]\" | \"x\"\n");
        QVERIFY(matches(gr, ""));
        QVERIFY(matches(gr, "x[x][[x]x]"));
        QVERIFY(!matches(gr, "[[x]"));
        QVERIFY(!viable(gr, "]"));
    }

    void terminalAndDistance() {
        const auto gr = g("root ::= \"{\" \"abc\"? \"}\"\n");
        hearth::GrammarMatcher m(gr);
        QCOMPARE(gr->min_length(), 2);
        QCOMPARE(m.distance(m.state()), 2);
        QVERIFY(m.accept("{a"));
        QCOMPARE(m.distance(m.state()), 3);  // "bc}"
        QVERIFY(!m.accepting());
        QVERIFY(m.accept("bc}"));
        QVERIFY(m.accepting());
        QVERIFY(m.terminal());
        QVERIFY(!m.accept("x"));
        const auto more = g("root ::= \"a\" \"b\"*\n");
        hearth::GrammarMatcher n(more);
        QVERIFY(n.accept("ab"));
        QVERIFY(n.accepting());
        QVERIFY(!n.terminal());  // more b's may follow
        QCOMPARE(n.distance(n.state()), 0);
    }

    void parseErrorsNameTheProblem() {
        QVERIFY(parse_error("root ::= foo\n").contains("'foo' is used but not defined"));
        QVERIFY(parse_error("start ::= \"a\"\n").contains("no rule 'root'"));
        QVERIFY(parse_error("root ::= root \"a\" | \"b\"\n").contains("left-recursive"));
        QVERIFY(parse_error("root ::= x\nx ::= e root \"a\" | \"b\"\ne ::= \"c\"?\n").contains("left-recursive"));
        QVERIFY(parse_error("root ::= \"a\" root\n").contains("can never finish"));
        QVERIFY(parse_error("root ::= \"a\"\nroot ::= \"b\"\n").contains("defined twice"));
        QVERIFY(parse_error("root ::= \"abc\n").contains("unterminated literal"));
        QVERIFY(parse_error("root ::= [ab\n").contains("unterminated character class"));
        QVERIFY(parse_error("root ::= [z-a]\n").contains("below its start"));
        QVERIFY(parse_error("root ::= \"a\"{3,2}\n").contains("below its minimum"));
        QVERIFY(parse_error("root ::= \"a\"{99999}\n").contains("above"));
        QVERIFY(parse_error("root ::= \"\\q\"\n").contains("unknown escape"));
        QVERIFY(parse_error("root ::= \"\\uD800\"\n").contains("invalid code point"));
        QVERIFY(parse_error("root ::= (\"a\"\n").contains("expected ')'"));
        QVERIFY(parse_error("root ::= \"a\" other ::= \"b\"\n").contains("newline"));
        QVERIFY(parse_error("root ::= * \"a\"\n").contains("repeats nothing"));
        const QString where = parse_error("root ::= \"a\"\nx ::= \"b\" )\n");
        QVERIFY2(where.contains("line 2"), qPrintable(where));
    }

    void hostileNestingIsBounded() {
        // Parentheses nested past the parser's limit are an error, not a stack overflow.
        const std::string deep = "root ::= " + std::string(100000, '(') + "\"a\"" + std::string(100000, ')') + "\n";
        QVERIFY(parse_error(deep).contains("nest deeper"));
        // A document nested deeper than the stack limit stops being accepted there.
        const auto gr = g("root ::= \"[\" root \"]\" | \"x\"\n");
        hearth::GrammarLimits limits;
        limits.max_stack_depth = 64;
        hearth::GrammarMatcher m(gr, limits);
        int depth = 0;
        while (depth < 1000 && m.accept("[")) ++depth;
        QVERIFY2(depth > 30 && depth < 70, qPrintable(QString::number(depth)));
        QVERIFY(m.accept("x" + std::string(size_t(depth), ']')));
        QVERIFY(m.accepting());
    }

    void ambiguityIsBounded() {
        // After n a's, x may be open at any depth up to n, and only the
        // deepest reading can take another "a": the live stacks are capped, so
        // past the cap the matcher refuses (quickly) rather than growing.
        const auto gr = g("root ::= x\nx ::= \"a\" x? \"b\"?\n");
        hearth::GrammarLimits limits;
        limits.max_stacks = 16;
        hearth::GrammarMatcher m(gr, limits);
        int n = 0;
        while (n < 5000 && m.accept("a")) ++n;
        QVERIFY2(n >= 8 && n < 64, qPrintable(QString::number(n)));
        QVERIFY(m.accepting());
        QVERIFY(m.n_cached_states() < 200);
        // Ambiguity through tail calls costs nothing: any split of the a's works.
        const auto split = g("root ::= (\"a\" | \"aa\" | \"aaa\")*\n");
        QVERIFY(matches(split, std::string(5000, 'a'), limits));
    }

    void compactionKeepsTheState() {
        const auto gr =
            g("root ::= \"[\" ( item ( \",\" item )* )? \"]\"\n"
              "item ::= [a-z]+ | root\n"
              "");
        hearth::GrammarLimits limits;
        limits.max_nodes = 200;
        limits.max_states = 20;
        hearth::GrammarMatcher m(gr, limits);
        std::string doc = "[abc,[de,[f]],";
        QVERIFY(m.accept(doc));
        for (int i = 0; i < 200; ++i) {
            const std::string piece = "[x" + std::to_string(i % 7) + "],";
            const std::string letters = "[" + std::string(size_t(i % 5 + 1), char('a' + i % 26)) + "],";
            QVERIFY(m.accept(letters));
            QVERIFY(!m.accept(piece));  // digits are refused, and refusing leaves the state alone
            m.compact();
            QVERIFY(m.n_cached_states() <= size_t(2 * limits.max_states));
        }
        QVERIFY(m.accept("z]"));
        QVERIFY(m.accepting());
        QVERIFY(m.terminal());
    }

    void resetStartsOver() {
        const auto gr = g("root ::= \"ab\"\n");
        hearth::GrammarMatcher m(gr);
        QVERIFY(m.accept("ab"));
        QVERIFY(m.accepting());
        m.reset();
        QVERIFY(!m.accepting());
        QVERIFY(m.accept("a"));
        QVERIFY(!m.accept("a"));
    }
};

QTEST_GUILESS_MAIN(TestGrammar)
#include "test_grammar.moc"
