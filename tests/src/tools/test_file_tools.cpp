// read_file and list_directory stay inside the folders the user shared:
// "..", absolute paths, symlinks (to files, to folders, in the middle of a
// path), and paths that do not exist outside the roots are all refused
// without revealing anything; inside, text files are read whole, binary and
// oversize files are refused, and FIFOs never block.
#include <sys/stat.h>
#include <unistd.h>

#include <QTemporaryDir>
#include <QtTest>

#include "tools/file_roots.h"
#include "tools/file_tools.h"

using nlohmann::json;
using namespace Hearth::Tools;

namespace {

void writeFile(const QString & path, const QByteArray & data) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(data);
}

std::string text(const json & result) {
    return result["content"][0]["text"];
}

}  // namespace

class TestFileTools : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    QString m_root;     // shared
    QString m_second;   // shared too
    QString m_outside;  // not shared
    std::shared_ptr<const FileRoots> m_roots;

private slots:
    void initTestCase() {
        m_root = QDir(m_tmp.path()).canonicalPath() + "/root";
        m_second = QDir(m_tmp.path()).canonicalPath() + "/second";
        m_outside = QDir(m_tmp.path()).canonicalPath() + "/outside";
        for (const QString & d : {m_root + "/sub", m_second, m_outside}) QVERIFY(QDir().mkpath(d));
        writeFile(m_root + "/hello.txt", "Hello, Hearth!\nünïcødé ✓\n");
        writeFile(m_root + "/sub/nested.md", "# nested\n");
        writeFile(m_second + "/other.txt", "second root\n");
        writeFile(m_outside + "/secret.txt", "top secret\n");
        writeFile(m_root + "/binary.bin", QByteArray("ab\0cd", 5));
        writeFile(m_root + "/latin1.txt", "caf\xe9\n");
        writeFile(m_root + "/big.txt", QByteArray(300 * 1024, 'a'));
        QVERIFY(QFile::link(m_outside + "/secret.txt", m_root + "/link-to-secret"));
        QVERIFY(QFile::link(m_outside, m_root + "/link-to-outside"));
        QVERIFY(QFile::link(m_root + "/hello.txt", m_root + "/link-inside"));
        QVERIFY(QFile::link("../outside/secret.txt", m_root + "/relative-escape"));
        QCOMPARE(::mkfifo((m_root + "/fifo").toLocal8Bit().constData(), 0600), 0);
        m_roots = std::make_shared<const FileRoots>(std::vector<std::string>{
            m_root.toStdString(), m_second.toStdString(), (m_tmp.path() + "/missing").toStdString()});
    }

    void rootsAreResolved() {
        QCOMPARE(m_roots->roots().size(), size_t(2));
        QCOMPARE(m_roots->problems().size(), size_t(1));
        QVERIFY(m_roots->contains(m_root.toStdString()));
        QVERIFY(m_roots->contains((m_root + "/a/b").toStdString()));
        QVERIFY(!m_roots->contains((m_root + "x/a").toStdString()));  // a sibling with the root as prefix
        QVERIFY(!m_roots->contains(m_tmp.path().toStdString()));
    }

    void readsInside_data() {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("content");
        QTest::newRow("absolute") << "@root/hello.txt"
                                  << "Hello, Hearth!\nünïcødé ✓\n";
        QTest::newRow("relative") << "sub/nested.md"
                                  << "# nested\n";
        QTest::newRow("relative second root") << "other.txt"
                                              << "second root\n";
        QTest::newRow("dot dot inside") << "@root/sub/../hello.txt"
                                        << "Hello, Hearth!\nünïcødé ✓\n";
        QTest::newRow("symlink inside") << "link-inside"
                                        << "Hello, Hearth!\nünïcødé ✓\n";
        QTest::newRow("dot segments") << "./sub/./nested.md"
                                      << "# nested\n";
    }

    void readsInside() {
        QFETCH(QString, path);
        QFETCH(QString, content);
        path.replace("@root", m_root);
        const ReadFileTool tool(m_roots);
        const json r = tool.call({{"path", path.toStdString()}}, {});
        QVERIFY2(r["isError"] == false, text(r).c_str());
        QCOMPARE(QString::fromStdString(text(r)), content);
    }

    void refusesOutside_data() {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("error");
        QTest::newRow("absolute outside") << "@out/secret.txt"
                                          << "outside the folders";
        QTest::newRow("dot dot relative") << "../outside/secret.txt"
                                          << "outside the folders";
        QTest::newRow("dot dot absolute") << "@root/../outside/secret.txt"
                                          << "outside the folders";
        QTest::newRow("deep dot dot") << "sub/../../../../../../etc/passwd"
                                      << "outside the folders";
        QTest::newRow("etc passwd") << "/etc/passwd"
                                    << "outside the folders";
        QTest::newRow("symlink to a file") << "link-to-secret"
                                           << "outside the folders";
        QTest::newRow("symlink to a folder") << "link-to-outside/secret.txt"
                                             << "outside the folders";
        QTest::newRow("relative symlink") << "relative-escape"
                                          << "outside the folders";
        QTest::newRow("missing outside") << "/nonexistent/hearth/file"
                                         << "outside the folders";
        QTest::newRow("missing via dot dot") << "../outside/missing.txt"
                                             << "outside the folders";
        QTest::newRow("missing inside") << "nope.txt"
                                        << "does not exist";
        QTest::newRow("binary") << "binary.bin"
                                << "not a UTF-8 text file";
        QTest::newRow("not utf8") << "latin1.txt"
                                  << "not a UTF-8 text file";
        QTest::newRow("too big") << "big.txt"
                                 << "larger than the limit";
        QTest::newRow("folder") << "sub"
                                << "not a regular file";
        QTest::newRow("fifo") << "fifo"
                              << "not a regular file";
        QTest::newRow("empty") << ""
                               << "empty or invalid";
    }

    void refusesOutside() {
        QFETCH(QString, path);
        QFETCH(QString, error);
        path.replace("@root", m_root).replace("@out", m_outside);
        const ReadFileTool tool(m_roots);
        const json r = tool.call({{"path", path.toStdString()}}, {});
        QCOMPARE(r["isError"], json(true));
        QVERIFY2(QString::fromStdString(text(r)).contains(error), text(r).c_str());
        QVERIFY(text(r).find("top secret") == std::string::npos);
    }

    void badArguments() {
        const ReadFileTool tool(m_roots);
        QCOMPARE(text(tool.call(json::object(), {})), std::string("the argument `path` is missing"));
        QCOMPARE(text(tool.call({{"path", 1}}, {})), std::string("the argument `path` must be a string"));
        const ReadFileTool none(std::make_shared<const FileRoots>(std::vector<std::string>{}));
        QVERIFY(text(none.call({{"path", "/etc/passwd"}}, {})).find("no folders are shared") != std::string::npos);
    }

    void listsFolders() {
        const ListDirectoryTool tool(m_roots);
        const std::string roots = text(tool.call(json::object(), {}));
        QVERIFY(roots.find(m_root.toStdString() + "/") != std::string::npos);
        QVERIFY(roots.find(m_second.toStdString() + "/") != std::string::npos);
        const json r = tool.call({{"path", m_root.toStdString()}}, {});
        QCOMPARE(r["isError"], json(false));
        const std::string listing = text(r);
        QVERIFY(listing.find("sub/\n") != std::string::npos);
        QVERIFY(listing.find("hello.txt (") != std::string::npos);
        QVERIFY(listing.find("link-to-outside (symlink)") != std::string::npos);
        QVERIFY(listing.find("link-to-secret (symlink)") != std::string::npos);
        QVERIFY(tool.call({{"path", "link-to-outside"}}, {})["isError"] == true);
        QVERIFY(tool.call({{"path", m_outside.toStdString()}}, {})["isError"] == true);
        QVERIFY(tool.call({{"path", "hello.txt"}}, {})["isError"] == true);  // not a folder
    }

    void schemasAndPolicy() {
        const ReadFileTool tool(m_roots);
        QCOMPARE(tool.definition()["name"], json("read_file"));
        QCOMPARE(tool.inputSchema()["required"], json::array({"path"}));
        QVERIFY(tool.description().find(m_root.toStdString()) != std::string::npos);
        QVERIFY(!tool.policy().enabledByDefault);
    }
};

QTEST_GUILESS_MAIN(TestFileTools)
#include "test_file_tools.moc"
