// fetch_url against a local server: text, HTML reduced to text, JSON; a cap
// that cuts and says so; redirects followed only to http(s) (never
// file://), loops stopped; timeouts, cancellation, HTTP errors and binary
// content all come back as error results.
#include <httplib.h>

#include <QtTest>
#include <atomic>
#include <thread>

#include "tools/html_text.h"
#include "tools/url_fetch_tool.h"

using nlohmann::json;
using namespace Hearth::Tools;

namespace {

std::string text(const json & r) {
    return r["content"][0]["text"];
}

}  // namespace

class TestUrlFetch : public QObject {
    Q_OBJECT

    httplib::Server m_server;
    std::thread m_thread;
    int m_port = 0;
    std::atomic<bool> m_stopping{false};

    std::string url(const std::string & path) const { return "http://127.0.0.1:" + std::to_string(m_port) + path; }

    json fetch(const std::string & path, FetchOptions o = {}, ToolCallContext c = {}) const {
        return UrlFetchTool(o).call({{"url", path.rfind("http", 0) == 0 ? path : url(path)}}, c);
    }

private slots:
    void initTestCase() {
        m_server.Get("/text", [](const httplib::Request &, httplib::Response & r) {
            r.set_content("plain text ✓", "text/plain; charset=utf-8");
        });
        m_server.Get("/html", [](const httplib::Request &, httplib::Response & r) {
            r.set_content(
                "<html><head><title>T</title><style>p{color:red}</style><script>alert('x')</script></head>"
                "<body><h1>Title</h1><p>One &amp; two&nbsp;&lt;3 &#x263A;</p><ul><li>a</li><li>b</li></ul>"
                "<!-- hidden --></body></html>",
                "text/html");
        });
        m_server.Get("/json", [](const httplib::Request &, httplib::Response & r) {
            r.set_content(R"({"a":1})", "application/json");
        });
        m_server.Get("/image", [](const httplib::Request &, httplib::Response & r) {
            r.set_content(std::string("\x89PNG\r\n\x1a\n\0\0", 10), "image/png");
        });
        m_server.Get("/untyped",
                     [](const httplib::Request &, httplib::Response & r) { r.body = std::string("bin\0ary", 7); });
        m_server.Get("/big", [](const httplib::Request &, httplib::Response & r) {
            r.set_content(std::string(3 << 20, 'z'), "text/plain");
        });
        m_server.Get("/to-file", [](const httplib::Request &, httplib::Response & r) {
            r.status = 302;
            r.set_header("Location", "file:///etc/passwd");
        });
        m_server.Get("/to-text", [](const httplib::Request &, httplib::Response & r) {
            r.status = 301;
            r.set_header("Location", "/text");
        });
        m_server.Get("/loop", [](const httplib::Request &, httplib::Response & r) {
            r.status = 302;
            r.set_header("Location", "/loop");
        });
        m_server.Get("/missing", [](const httplib::Request &, httplib::Response & r) {
            r.status = 404;
            r.set_content("no such page", "text/plain");
        });
        m_server.Get("/slow", [this](const httplib::Request &, httplib::Response & r) {
            for (int i = 0; i < 100 && !m_stopping; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(30));
            r.set_content("late", "text/plain");
        });
        m_port = m_server.bind_to_any_port("127.0.0.1");
        m_thread = std::thread([this] { m_server.listen_after_bind(); });
        while (!m_server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        for (const char * proxy : {"http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"}) qunsetenv(proxy);
    }

    void cleanupTestCase() {
        m_stopping = true;
        m_server.stop();
        m_thread.join();
    }

    void fetchesText() {
        const json r = fetch("/text");
        QCOMPARE(r["isError"], json(false));
        QCOMPARE(text(r), std::string("plain text ✓"));
        QCOMPARE(r["structuredContent"]["status"], json(200));
        QCOMPARE(r["structuredContent"]["contentType"], json("text/plain"));
        QCOMPARE(text(fetch("/json")), std::string(R"({"a":1})"));
    }

    void reducesHtmlToText() {
        const json r = fetch("/html");
        QCOMPARE(QString::fromStdString(text(r)),
                 QString::fromUtf8("T\n\nTitle\n\nOne & two <3 \xE2\x98\xBA\n\n- a\n- b"));
        FetchOptions raw;
        raw.convertHtml = false;
        QVERIFY(text(fetch("/html", raw)).find("<script>") != std::string::npos);
    }

    void capsTheSize() {
        FetchOptions o;
        o.maxBytes = 64 * 1024;
        const json r = fetch("/big", o);
        QCOMPARE(r["isError"], json(false));
        QCOMPARE(r["structuredContent"]["truncated"], json(true));
        const std::string t = text(r);
        QVERIFY(t.size() < 65 * 1024);
        QVERIFY(t.find("[cut: only the first 65536 bytes were read]") != std::string::npos);
    }

    void redirects() {
        const json ok = fetch("/to-text");
        QCOMPARE(text(ok), std::string("plain text ✓"));
        QCOMPARE(ok["structuredContent"]["url"], json(url("/text")));
        const json file = fetch("/to-file");
        QCOMPARE(file["isError"], json(true));
        QVERIFY(text(file).find("root:") == std::string::npos);
        QCOMPARE(fetch("/loop")["isError"], json(true));
    }

    void refusals_data() {
        QTest::addColumn<QString>("target");
        QTest::addColumn<QString>("error");
        QTest::newRow("file scheme") << "file:///etc/passwd"
                                     << "only http:// and https://";
        QTest::newRow("ftp") << "ftp://127.0.0.1/x"
                             << "only http:// and https://";
        QTest::newRow("javascript") << "javascript:alert(1)"
                                    << "only http:// and https://";
        QTest::newRow("no scheme") << "example.com"
                                   << "only http:// and https://";
        QTest::newRow("image") << "/image"
                               << "is not text (its content type is image/png)";
        QTest::newRow("untyped binary") << "/untyped"
                                        << "contains NUL bytes";
        QTest::newRow("404") << "/missing"
                             << "HTTP 404";
        QTest::newRow("refused") << "http://127.0.0.1:1/"
                                 << "cannot fetch";
    }

    void refusals() {
        QFETCH(QString, target);
        QFETCH(QString, error);
        const std::string t = target.toStdString();
        const json r = UrlFetchTool().call({{"url", t[0] == '/' ? url(t) : t}}, {});
        QVERIFY2(r["isError"] == true, r.dump().c_str());
        QVERIFY2(QString::fromStdString(text(r)).contains(error), text(r).c_str());
    }

    void timesOutAndCancels() {
        FetchOptions o;
        o.timeout = std::chrono::milliseconds(300);
        auto start = std::chrono::steady_clock::now();
        QCOMPARE(fetch("/slow", o)["isError"], json(true));
        QVERIFY(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));

        ToolCallContext c;
        start = std::chrono::steady_clock::now();
        c.cancelled = [start] { return std::chrono::steady_clock::now() - start > std::chrono::milliseconds(200); };
        const json r = fetch("/slow", {}, c);
        QCOMPARE(text(r), std::string("the fetch was cancelled"));
        QVERIFY(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
    }

    void htmlTextIsLinear() {
        // Unclosed tags, stray brackets, a script that never ends: no crash, no text from the script.
        QCOMPARE(htmlToText("a < b and c > d"), std::string("a < b and c > d"));
        QCOMPARE(htmlToText("x<script>never closed"), std::string("x"));
        QCOMPARE(htmlToText("&bogus; &#xZZ; &#1114112;"), std::string("&bogus; &#xZZ; \xEF\xBF\xBD"));
        QCOMPARE(htmlToText(std::string(100000, '<')), std::string(100000, '<'));
        QCOMPARE(htmlToText("<"), std::string("<"));
        QCOMPARE(htmlToText("<b>bold</b> <a href='x'>link"), std::string("bold link"));
        QCOMPARE(htmlToText("x <div unclosed"), std::string("x"));
    }
};

QTEST_GUILESS_MAIN(TestUrlFetch)
#include "test_url_fetch.moc"
