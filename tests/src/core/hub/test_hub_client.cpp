// The hub client against the mock Hub: search, paged file lists, revision
// pinning, error messages, and where the token goes.
#include <QtTest>

#include "core/hub_client.h"
#include "mock_hub.h"

using namespace Hearth;

namespace {
const std::string kSha = "0123456789abcdef0123456789abcdef01234567";
}

class TestHubClient : public QObject {
    Q_OBJECT
private:
    std::unique_ptr<mockhub::MockHub> m_hub;

    HubClient client(const QString & token = QString()) {
        HubClient c;
        c.setEndpoint(QString::fromStdString(m_hub->hubUrl()));
        c.setToken(token);
        return c;
    }

private slots:
    void init() {
        m_hub = std::make_unique<mockhub::MockHub>();
        m_hub->addRepo("org/Qwen3-8B-GGUF", kSha, 5000);
        m_hub->addRepo("org/Qwen3-0.6B-GGUF", "aaaa", 9000);
        m_hub->addRepo("other/Llama-GGUF", "bbbb", 100);
        m_hub->addRepo("org/Gated-GGUF", "cccc", 50, true);
        m_hub->setToken("hf_secret");
    }
    void cleanup() { m_hub.reset(); }

    void endpointFromEnvironment() {
        qputenv("HF_ENDPOINT", "http://example.invalid:1234/");
        qputenv("HF_TOKEN", "hf_env");
        HubClient c;
        QCOMPARE(c.endpoint(), QStringLiteral("http://example.invalid:1234"));
        QVERIFY(c.hasToken());
        QCOMPARE(c.httpOptions().bearerToken, QByteArray("hf_env"));
        QCOMPARE(c.httpOptions().tokenOrigin, QStringLiteral("http://example.invalid:1234"));
        qunsetenv("HF_ENDPOINT");
        qunsetenv("HF_TOKEN");
        HubClient d;
        QCOMPARE(d.endpoint(), QStringLiteral("https://huggingface.co"));
        QVERIFY(!d.hasToken());
        QCOMPARE(d.httpOptions().tokenOrigin, QStringLiteral("https://huggingface.co:443"));
    }

    void search() {
        HubSearchQuery q;
        q.text = QStringLiteral("Qwen3");
        q.limit = 5;
        const auto r = client().search(q);
        QVERIFY2(r.ok(), qPrintable(r.error.message));
        QCOMPARE(r.value.size(), 2);
        QCOMPARE(r.value[0].id, QStringLiteral("org/Qwen3-0.6B-GGUF"));  // most downloads first
        QCOMPARE(r.value[0].downloads, qint64(9000));
        QCOMPARE(r.value[0].likes, qint64(900));
        QVERIFY(r.value[0].tags.contains(QStringLiteral("gguf")));
        QCOMPARE(r.value[0].lastModified, QDateTime(QDate(2026, 5, 1), QTime(12, 34, 56), Qt::UTC));
        QCOMPARE(r.value[1].id, QStringLiteral("org/Qwen3-8B-GGUF"));
        const auto reqs = m_hub->requests();
        QCOMPARE(int(reqs.size()), 1);
        const QString path = QString::fromStdString(reqs[0].path);
        QVERIFY2(path.contains(QStringLiteral("filter=gguf")), qPrintable(path));
        QVERIFY(path.contains(QStringLiteral("sort=downloads")));
        QVERIFY(path.contains(QStringLiteral("direction=-1")));
        QVERIFY(path.contains(QStringLiteral("limit=5")));

        q.text = QStringLiteral("GGUF");
        q.limit = 2;
        QCOMPARE(client().search(q).value.size(), 2);
    }

    // Each sort option reaches the Hub as its API key, and the order follows it.
    void searchSortOptions() {
        auto setRepo = [&](const char * id, int64_t likes, const char * modified, int64_t trending) {
            mockhub::Repo & r = m_hub->addRepo(id, "dddd", 0);
            r.likes = likes;
            r.lastModified = modified;
            r.trendingScore = trending;
        };
        setRepo("sort/A-GGUF", 1, "2026-03-01T00:00:00.000Z", 30);
        setRepo("sort/B-GGUF", 50, "2026-01-01T00:00:00.000Z", 10);
        setRepo("sort/C-GGUF", 20, "2026-06-01T00:00:00.000Z", 5);
        const struct {
            HubSort sort;
            const char * key;
            QStringList order;
        } cases[] = {
            {HubSort::Likes, "likes", {"sort/B-GGUF", "sort/C-GGUF", "sort/A-GGUF"}},
            {HubSort::LastModified, "lastModified", {"sort/C-GGUF", "sort/A-GGUF", "sort/B-GGUF"}},
            {HubSort::Trending, "trendingScore", {"sort/A-GGUF", "sort/B-GGUF", "sort/C-GGUF"}},
        };
        for (const auto & c : cases) {
            m_hub->clearRequests();
            HubSearchQuery q;
            q.text = QStringLiteral("sort/");
            q.sort = c.sort;
            const auto r = client().search(q);
            QVERIFY2(r.ok(), qPrintable(r.error.message));
            QStringList got;
            for (const HubModelSummary & m : r.value) got << m.id;
            QCOMPARE(got, c.order);
            const QString path = QString::fromStdString(m_hub->requests().at(0).path);
            QVERIFY2(path.contains(QStringLiteral("sort=") + QLatin1String(c.key)), qPrintable(path));
            QVERIFY(HubClient::sortFromName(QLatin1String(c.key)) == c.sort);
            QCOMPARE(HubClient::sortName(c.sort), QLatin1String(c.key));
        }
        QVERIFY(HubClient::sortFromName(QStringLiteral("recent")) == HubSort::LastModified);
        QVERIFY(HubClient::sortFromName(QStringLiteral("trending")) == HubSort::Trending);
        bool ok = true;
        QVERIFY(HubClient::sortFromName(QStringLiteral("stars"), &ok) == HubSort::Downloads);
        QVERIFY(!ok);
    }

    void gatedFlagParsed() {
        HubSearchQuery q;
        q.text = QStringLiteral("Gated");
        const auto r = client().search(q);
        QCOMPARE(r.value.size(), 1);
        QCOMPARE(r.value[0].gated, QStringLiteral("manual"));
    }

    void malformedSearchReply() {
        // JSON nested past the bound is refused before it is walked.
        const QByteArray deep = QByteArray(20000, '[') + QByteArray(20000, ']');
        QVERIFY(!HubClient::parseSearch(deep).ok());
        QVERIFY(!HubClient::parseTree(deep).ok());
        QVERIFY(!HubClient::parseSearch("[{\"id\":\"a/b\",\"tags\":" + deep + "}]").ok());
        QVERIFY(
            HubClient::parseSearch("[{\"id\":\"a/b\",\"tags\":" + QByteArray(100, '[') + QByteArray(100, ']') + "}]")
                .ok());
        QVERIFY(!HubClient::parseSearch("{\"error\":1}").ok());
        QVERIFY(!HubClient::parseSearch("not json").ok());
        const auto r = HubClient::parseSearch(R"([{"id":"a/b","downloads":"many"},{"nope":1},3])");
        QVERIFY(r.ok());
        QCOMPARE(r.value.size(), 1);
        QCOMPARE(r.value[0].downloads, qint64(0));
    }

    void treePagination() {
        for (int i = 0; i < 5; ++i) m_hub->addFile("org/Qwen3-8B-GGUF", "f" + std::to_string(i) + ".gguf", 1000 + i);
        m_hub->addFile("org/Qwen3-8B-GGUF", "README.md", 50, false);
        m_hub->setTreePageSize(2);
        const auto r = client().listFiles(QStringLiteral("org/Qwen3-8B-GGUF"), QString::fromStdString(kSha));
        QVERIFY2(r.ok(), qPrintable(r.error.message));
        QCOMPARE(r.value.size(), 6);  // the directory entry is skipped
        int pages = 0;
        for (const auto & rec : m_hub->requests())
            if (rec.path.find("/tree/") != std::string::npos) ++pages;
        QCOMPARE(pages, 4);  // 7 entries, 2 a page
        QCOMPARE(r.value[0].path, QStringLiteral("f0.gguf"));
        QCOMPARE(r.value[0].size, qint64(1000));
        QCOMPARE(r.value[0].sha256.size(), 64);
        QCOMPARE(r.value[0].sha256.toStdString(),
                 mockhub::MockHub::sha256Hex(mockhub::MockHub::generate("org/Qwen3-8B-GGUF/f0.gguf", 1000)));
        QCOMPARE(r.value[5].path, QStringLiteral("README.md"));
        QVERIFY(r.value[5].sha256.isEmpty());  // not in LFS
    }

    void revisionPinning() {
        const auto r = client().resolveRevision(QStringLiteral("org/Qwen3-8B-GGUF"), QStringLiteral("main"));
        QVERIFY2(r.ok(), qPrintable(r.error.message));
        QCOMPARE(r.value.toStdString(), kSha);
        const auto bad = client().resolveRevision(QStringLiteral("org/Qwen3-8B-GGUF"), QStringLiteral("v9"));
        QVERIFY(!bad.ok());
        QCOMPARE(bad.error.httpStatus, 404);
        QVERIFY2(bad.error.message.contains(QStringLiteral("Not found")), qPrintable(bad.error.message));
        QCOMPARE(
            client().resolveUrl(QStringLiteral("org/r"), QString::fromStdString(kSha), QStringLiteral("sub/a b.gguf")),
            QString::fromStdString(m_hub->hubUrl() + "/org/r/resolve/" + kSha + "/sub/a%20b.gguf"));
    }

    void missingRepo() {
        const auto r = client().listFiles(QStringLiteral("nobody/nothing"), QStringLiteral("main"));
        QVERIFY(!r.ok());
        QCOMPARE(r.error.httpStatus, 404);
        QVERIFY(r.error.message.contains(QStringLiteral("nobody/nothing")));
    }

    void unreachable() {
        HubClient c;
        c.setEndpoint(QStringLiteral("http://127.0.0.1:1"));
        const auto r = c.resolveRevision(QStringLiteral("a/b"), QStringLiteral("main"));
        QVERIFY(!r.ok());
        QCOMPARE(r.error.httpStatus, 0);
        QVERIFY2(r.error.message.contains(QStringLiteral("Could not reach")), qPrintable(r.error.message));
    }

    void gatedMessages() {
        const QString noToken = HubClient::errorMessage(401, QStringLiteral("org/x"), false, "GatedRepo");
        QVERIFY(noToken.contains(QStringLiteral("gated or private")));
        QVERIFY(noToken.contains(QStringLiteral("HF_TOKEN")));
        QVERIFY(noToken.contains(QStringLiteral("settings")));
        const QString refused = HubClient::errorMessage(403, QStringLiteral("org/x"), true, "");
        QVERIFY(refused.contains(QStringLiteral("token was refused")));
    }

    // The token reaches the Hub's resolve endpoint but never the CDN it redirects to.
    void tokenOnlyToHub() {
        m_hub->addFile("org/Gated-GGUF", "g.gguf", 4096);
        const HubClient c = client(QStringLiteral("hf_secret"));
        QByteArray body;
        const HttpResponse reply =
            httpGet(c.resolveUrl(QStringLiteral("org/Gated-GGUF"), QStringLiteral("main"), QStringLiteral("g.gguf")),
                    c.httpOptions(), [&](const HttpResponse &, const char * d, size_t n) {
                        body.append(d, qsizetype(n));
                        return true;
                    });
        QVERIFY2(reply.transportOk(), qPrintable(reply.curlError));
        QCOMPARE(reply.status, 200);
        QCOMPARE(body.size(), 4096);
        QVERIFY(reply.finalUrl.startsWith(QString::fromStdString(m_hub->cdnUrl())));
        bool hubSawToken = false, cdnSawAuth = false;
        for (const auto & rec : m_hub->requests()) {
            if (rec.server == "hub" && rec.authorization == "Bearer hf_secret") hubSawToken = true;
            if (rec.server == "cdn" && !rec.authorization.empty()) cdnSawAuth = true;
        }
        QVERIFY(hubSawToken);
        QVERIFY(!cdnSawAuth);

        // Without the token the gated file is refused with a 401.
        const HubClient anon = client();
        const HttpResponse refused =
            httpGet(anon.resolveUrl(QStringLiteral("org/Gated-GGUF"), QStringLiteral("main"), QStringLiteral("g.gguf")),
                    anon.httpOptions());
        QCOMPARE(refused.status, 401);
        QCOMPARE(refused.header("x-error-code"), QByteArray("GatedRepo"));
    }

    void grouping() {
        QList<HubFile> files;
        auto add = [&](const char * p, qint64 size) {
            HubFile f;
            f.path = QString::fromLatin1(p);
            f.size = size;
            files << f;
        };
        add("Big-Q4_K_M-00002-of-00003.gguf", 20);
        add("Big-Q4_K_M-00001-of-00003.gguf", 10);
        add("Big-Q4_K_M-00003-of-00003.gguf", 30);
        add("Big-Q8_0-00001-of-00002.gguf", 5);  // second shard missing
        add("Small-IQ4_XS.gguf", 7);
        add("mmproj-F16.gguf", 3);
        add("README.md", 1);
        const QList<HubModelFile> g = HubClient::groupGgufFiles(files);
        QCOMPARE(g.size(), 4);
        QCOMPARE(g[0].name, QStringLiteral("Big-Q4_K_M"));
        QCOMPARE(g[0].quant, QStringLiteral("Q4_K_M"));
        QCOMPARE(g[0].shardCount, 3);
        QCOMPARE(g[0].files.size(), 3);
        QCOMPARE(g[0].files[0].path, QStringLiteral("Big-Q4_K_M-00001-of-00003.gguf"));
        QCOMPARE(g[0].files[2].path, QStringLiteral("Big-Q4_K_M-00003-of-00003.gguf"));
        QCOMPARE(g[0].totalSize(), qint64(60));
        QVERIFY(g[0].complete);
        QCOMPARE(g[1].quant, QStringLiteral("Q8_0"));
        QVERIFY(!g[1].complete);
        QCOMPARE(g[2].quant, QStringLiteral("IQ4_XS"));
        QCOMPARE(g[2].shardCount, 1);
        QVERIFY(g[3].isProjector);
    }

    void linkHeader() {
        QCOMPARE(nextLinkFromHeader(R"(<https://h/api/x?cursor=abc>; rel="next")"),
                 QStringLiteral("https://h/api/x?cursor=abc"));
        QCOMPARE(nextLinkFromHeader(R"(<https://h/p>; rel="prev", <https://h/n>; rel="next")"),
                 QStringLiteral("https://h/n"));
        QCOMPARE(nextLinkFromHeader(R"(<https://h/p>; rel="prev")"), QString());
        QCOMPARE(urlOrigin(QStringLiteral("HTTPS://HuggingFace.co/a/b")), QStringLiteral("https://huggingface.co:443"));
        QCOMPARE(urlOrigin(QStringLiteral("http://127.0.0.1:8080/x")), QStringLiteral("http://127.0.0.1:8080"));
    }
};

QTEST_APPLESS_MAIN(TestHubClient)
#include "test_hub_client.moc"
