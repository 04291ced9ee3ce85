// The Tools settings page's controller: the mcpServers JSON validated,
// saved into the data folder and imported from another app's file; the
// servers started from it with their status; built-in tools off until
// enabled, the file tools only with a folder, settings kept across restarts.
#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "core/tool_registry.h"
#include "tools_controller.h"

using namespace Hearth;

class TestToolsController : public QObject {
    Q_OBJECT

    static QString fakeConfig(const QString & name) {
        return QStringLiteral(R"({"mcpServers": {"%1": {"command": "%2", "args": []}}})").arg(name, FAKE_MCP_SERVER);
    }
    static QStringList names(const QList<ToolEntry> & tools) {
        QStringList out;
        for (const ToolEntry & t : tools) out << t.name;
        return out;
    }

private slots:
    void builtinsAreOffUntilEnabled() {
        QTemporaryDir dir;
        ToolRegistry registry;
        {
            ToolsController c(&registry, dir.path());
            QVERIFY(registry.tools().isEmpty());
            QCOMPARE(c.builtins().size(), 5);  // datetime, calculator, read_file, list_directory, fetch_url
            c.setBuiltinEnabled(QStringLiteral("calculator"), true);
            c.setBuiltinEnabled(QStringLiteral("read_file"), true);
            QCOMPARE(names(registry.tools()), QStringList{"calculator"});  // no folder yet: no file tool
            c.addFileRoot(dir.path());
            QCOMPARE(names(registry.tools()), (QStringList{"calculator", "read_file"}));
            c.addFileRoot(dir.filePath("missing"));
            QCOMPARE(c.fileRoots().size(), 1);
        }
        ToolRegistry again;
        ToolsController reopened(&again, dir.path());
        QCOMPARE(names(again.tools()), (QStringList{"calculator", "read_file"}));
        reopened.removeFileRoot(reopened.fileRoots().first());
        QCOMPARE(names(again.tools()), QStringList{"calculator"});
    }

    void invalidConfigIsNotSaved() {
        QTemporaryDir dir;
        ToolRegistry registry;
        ToolsController c(&registry, dir.path());
        QVERIFY(c.configErrors().isEmpty());
        QVERIFY(!c.save(QStringLiteral(R"({"mcpServers": {"x": {"args": [1]}}})")));
        QVERIFY(!c.configErrors().isEmpty());
        const QString errors = c.configErrors().join(' ');
        QVERIFY2(errors.contains(QStringLiteral("mcpServers.x")), qPrintable(errors));
        QVERIFY(!QFile::exists(c.configPath()));
        QVERIFY(!c.validate(QStringLiteral("{not json")));
        QVERIFY(c.validate(QStringLiteral(R"({"mcpServers": {}})")));
        QVERIFY(c.configErrors().isEmpty());
    }

    void importStartsTheServer() {
        QTemporaryDir dir;
        const QString other = dir.filePath(QStringLiteral("claude_desktop_config.json"));
        QFile f(other);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(fakeConfig(QStringLiteral("fake")).toUtf8());
        f.close();
        ToolRegistry registry;
        ToolsController c(&registry, dir.path());
        QSignalSpy changed(&c, &ToolsController::serversChanged);
        QVERIFY(c.importFile(QUrl::fromLocalFile(other).toString()));
        QVERIFY(QFile::exists(c.configPath()));
        QCOMPARE(c.configText(), fakeConfig(QStringLiteral("fake")));
        QTRY_VERIFY_WITH_TIMEOUT(
            !c.servers().isEmpty() && c.servers().first().toMap().value("state").toString() == QLatin1String("running"),
            20000);
        const QVariantMap s = c.servers().first().toMap();
        QCOMPARE(s.value("name").toString(), QStringLiteral("fake"));
        QVERIFY(s.value("toolCount").toInt() > 10);
        QVERIFY(s.value("tools").toString().contains(QStringLiteral("add")));
        QVERIFY(changed.size() > 0);
        QVERIFY(registry.find(QStringLiteral("add")).has_value());
        // Saving another config replaces the servers.
        QVERIFY(c.save(QStringLiteral(R"({"mcpServers": {}})")));
        QVERIFY(c.servers().isEmpty());
        QVERIFY(!registry.find(QStringLiteral("add")).has_value());
    }
};

QTEST_GUILESS_MAIN(TestToolsController)
#include "test_tools_controller.moc"
