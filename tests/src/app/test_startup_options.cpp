// The desktop app's one command-line parser (shell/startup_options.h): the
// model from --model, a *.gguf argument or $HEARTH_MODEL, the theme, --version
// and --help, with Qt's own options left alone.
#include <QtTest>

#include "startup_options.h"

using namespace Hearth;

namespace {
StartupOptions parse(const QStringList & args, const QString & env = {}) {
    return parseStartupOptions(QStringList{QStringLiteral("hearth")} + args, env);
}
}  // namespace

class TestStartupOptions : public QObject {
    Q_OBJECT
private slots:
    void modelFromTheCommandLine_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("model");
        QTest::newRow("--model PATH") << QStringList{"--model", "/m/a.gguf"} << "/m/a.gguf";
        QTest::newRow("--model=PATH") << QStringList{"--model=/m/a.gguf"} << "/m/a.gguf";
        QTest::newRow("--model, any name") << QStringList{"--model", "/m/weights.bin"} << "/m/weights.bin";
        QTest::newRow("positional, any case") << QStringList{"/m/B.GGUF"} << "/m/B.GGUF";
        QTest::newRow("first positional wins") << QStringList{"x.gguf", "y.gguf"} << "x.gguf";
        QTest::newRow("--model beats a positional") << QStringList{"p.gguf", "--model", "m.gguf"} << "m.gguf";
        QTest::newRow("a positional that is no model") << QStringList{"notes.txt", "m.gguf"} << "m.gguf";
        QTest::newRow("file URL") << QStringList{"--model", "file:///m/a.gguf"} << "file:///m/a.gguf";
    }
    void modelFromTheCommandLine() {
        QFETCH(QStringList, args);
        QFETCH(QString, model);
        const StartupOptions o = parse(args, QStringLiteral("/env/e.gguf"));
        QCOMPARE(o.model, model);  // and not the environment's
        QVERIFY(!o.showHelp);
        QVERIFY(!o.showVersion);
    }

    void environmentWhenNoModelIsGiven() {
        QCOMPARE(parse({}, QStringLiteral("/env/e.gguf")).model, QStringLiteral("/env/e.gguf"));
        QCOMPARE(parse({"--theme", "dark"}, QStringLiteral("/env/e.gguf")).model, QStringLiteral("/env/e.gguf"));
        QCOMPARE(parse({"notes.txt"}, QStringLiteral("/env/e.gguf")).model, QStringLiteral("/env/e.gguf"));
    }

    void nothingGiven() {
        const StartupOptions o = parse({});
        QVERIFY(o.model.isEmpty());
        QVERIFY(o.theme.isEmpty());
        QVERIFY(!o.showHelp);
        QVERIFY(!o.showVersion);
        QVERIFY(o.helpText.isEmpty());
    }

    void theme() {
        QCOMPARE(parse({"--theme", "dark"}).theme, QStringLiteral("dark"));
        QCOMPARE(parse({"--theme=light", "a.gguf"}).theme, QStringLiteral("light"));
        QCOMPARE(parse({"--theme=light", "a.gguf"}).model, QStringLiteral("a.gguf"));
    }

    void versionAndHelp() {
        QVERIFY(parse({"--version"}).showVersion);
        QVERIFY(!parse({"--version"}).showHelp);
        for (const QString & flag : {QStringLiteral("--help"), QStringLiteral("-h")}) {
            const StartupOptions o = parse({flag});
            QVERIFY2(o.showHelp, qPrintable(flag));
            QVERIFY(o.helpText.startsWith(QStringLiteral("usage: hearth ")));
            for (const char * option : {"--model", "--theme", "--version", "--help"})
                QVERIFY2(o.helpText.contains(QLatin1String(option)), option);
            QVERIFY(!o.helpText.contains(QStringLiteral("<executable_name>")));
        }
    }

    // Parsed before QGuiApplication: Qt's own options are still in the list, and unknown ones do no harm.
    void qtAndUnknownOptionsAreIgnored() {
        StartupOptions o = parse({"-platform", "offscreen", "x.gguf"});
        QCOMPARE(o.model, QStringLiteral("x.gguf"));
        QVERIFY(!o.showHelp);
        o = parse({"-style", "Basic", "-qmljsdebugger=port:1234", "--model", "m.gguf", "--frobnicate"});
        QCOMPARE(o.model, QStringLiteral("m.gguf"));
        QVERIFY(!o.showHelp);
        QVERIFY(!o.showVersion);
        o = parse({"--frobnicate", "--theme", "dark"}, QStringLiteral("/env/e.gguf"));
        QCOMPARE(o.theme, QStringLiteral("dark"));
        QCOMPARE(o.model, QStringLiteral("/env/e.gguf"));
    }
};

QTEST_GUILESS_MAIN(TestStartupOptions)
#include "test_startup_options.moc"
