#include "code_highlighter.h"

#include <QRegularExpression>
#include <QSet>
#include <QSyntaxHighlighter>
#include <QTextDocument>

namespace Hearth {

namespace {

struct LanguageRules {
    QSet<QString> keywords;
    QString lineComment;  // "" when none
    bool blockComments = false;
};

QSet<QString> words(const char * list) {
    QSet<QString> out;
    for (const QString & w : QString::fromLatin1(list).split(QLatin1Char(' '), Qt::SkipEmptyParts)) out.insert(w);
    return out;
}

LanguageRules rulesFor(const QString & language) {
    const QString l = language.toLower();
    if (l == "python" || l == "py")
        return {words("def class return if elif else for while in not and or is import from as with try except "
                      "finally raise pass break continue lambda yield None True False async await global self"),
                "#", false};
    if (l == "sh" || l == "bash" || l == "shell" || l == "zsh" || l == "console")
        return {words("if then else elif fi for in do done while case esac function return export local echo exit"),
                "#", false};
    if (l == "rust" || l == "rs")
        return {words("fn let mut pub struct enum impl trait use mod match if else for while loop return self "
                      "Self true false as where async await move ref const static crate"),
                "//", true};
    if (l == "go" || l == "golang")
        return {words("func package import var const type struct interface map chan go defer return if else for "
                      "range switch case default break continue nil true false"),
                "//", true};
    if (l == "sql")
        return {words("SELECT FROM WHERE JOIN ON GROUP BY ORDER INSERT INTO VALUES UPDATE SET DELETE CREATE TABLE "
                      "INDEX AND OR NOT NULL AS LIMIT select from where join on group by order insert into values "
                      "update set delete create table and or not null as limit"),
                "--", true};
    if (l == "js" || l == "javascript" || l == "ts" || l == "typescript" || l == "jsx" || l == "tsx" || l == "qml")
        return {words("function const let var return if else for while do switch case default break continue new "
                      "class extends import export from async await try catch finally throw typeof null "
                      "undefined true false this property"),
                "//", true};
    if (l == "c" || l == "cpp" || l == "c++" || l == "cc" || l == "h" || l == "hpp" || l == "java" || l == "cs" ||
        l == "csharp" || l == "kotlin" || l == "swift")
        return {words("int char float double void bool auto const static struct class enum union return if else for "
                      "while do switch case default break continue new delete namespace using template typename "
                      "public private protected virtual override true false nullptr include define this"),
                "//", true};
    return {{}, "//", true};
}

}  // namespace

class CodeSyntaxHighlighter : public QSyntaxHighlighter {
public:
    CodeSyntaxHighlighter(QTextDocument * doc, const QString & language, bool dark)
        : QSyntaxHighlighter(doc), m_rules(rulesFor(language)) {
        m_keyword.setForeground(QColor(dark ? "#c792ea" : "#8a3fb8"));
        m_string.setForeground(QColor(dark ? "#c3e88d" : "#2f7d32"));
        m_comment.setForeground(QColor(dark ? "#7f848e" : "#8a8580"));
        m_comment.setFontItalic(true);
        m_number.setForeground(QColor(dark ? "#f78c6c" : "#b5531b"));
    }

protected:
    void highlightBlock(const QString & text) override {
        static const QRegularExpression token(
            QStringLiteral(R"(("(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?|`[^`]*`?)|(\b\d+(?:\.\d+)?\b)|([A-Za-z_]\w*))"));
        setCurrentBlockState(0);
        int start = previousBlockState() == kInComment ? closeComment(text, 0, true) : 0;
        if (start < 0) return;
        while (start < text.size()) {
            const int lineAt = m_rules.lineComment.isEmpty() ? -1 : int(text.indexOf(m_rules.lineComment, start));
            const int blockAt = m_rules.blockComments ? int(text.indexOf(QStringLiteral("/*"), start)) : -1;
            const QRegularExpressionMatch m = token.match(text, start);
            const int tokenAt = m.hasMatch() ? int(m.capturedStart()) : -1;
            const int first = firstOf({lineAt, blockAt, tokenAt});
            if (first < 0) return;
            if (first == lineAt) {
                setFormat(lineAt, int(text.size()) - lineAt, m_comment);
                return;
            }
            if (first == blockAt) {
                start = closeComment(text, blockAt, false);
                if (start < 0) return;
                continue;
            }
            const int len = int(m.capturedLength());
            if (m.capturedLength(1))
                setFormat(tokenAt, len, m_string);
            else if (m.capturedLength(2))
                setFormat(tokenAt, len, m_number);
            else if (m_rules.keywords.contains(m.captured(3)))
                setFormat(tokenAt, len, m_keyword);
            start = tokenAt + len;
        }
    }

private:
    static constexpr int kInComment = 1;

    static int firstOf(std::initializer_list<int> positions) {
        int best = -1;
        for (int p : positions)
            if (p >= 0 && (best < 0 || p < best)) best = p;
        return best;
    }

    // Colours a block comment from `from`; returns where it ends, or -1 when
    // it goes on past this line (the next block starts inside it).
    int closeComment(const QString & text, int from, bool continued) {
        const int end = int(text.indexOf(QStringLiteral("*/"), continued ? from : from + 2));
        if (end < 0) {
            setFormat(from, int(text.size()) - from, m_comment);
            setCurrentBlockState(kInComment);
            return -1;
        }
        setFormat(from, end + 2 - from, m_comment);
        return end + 2;
    }

    LanguageRules m_rules;
    QTextCharFormat m_keyword, m_string, m_comment, m_number;
};

CodeHighlighter::CodeHighlighter(QObject * parent) : QObject(parent) {}

void CodeHighlighter::setDocument(QQuickTextDocument * document) {
    if (document == m_document) return;
    m_document = document;
    rebuild();
}

void CodeHighlighter::setLanguage(const QString & language) {
    if (language == m_language) return;
    m_language = language;
    rebuild();
}

void CodeHighlighter::setDark(bool dark) {
    if (dark == m_dark) return;
    m_dark = dark;
    rebuild();
}

void CodeHighlighter::rebuild() {
    delete m_highlighter;
    if (m_document && m_document->textDocument())
        m_highlighter = new CodeSyntaxHighlighter(m_document->textDocument(), m_language, m_dark);
    emit changed();
}

}  // namespace Hearth
