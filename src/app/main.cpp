// Hearth's desktop executable: sets up Qt, makes the controllers (AppContext)
// and loads the QML module's Main.qml.
//
//   hearth [--model PATH | PATH.gguf] [--theme light|dark] [--version] [--help]
// The command line is parsed once, here (shell/startup_options.h); the model
// may also come from $HEARTH_MODEL, the data directory from $HEARTH_DATA_DIR
// (see core/app_paths.h).
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickStyle>
#include <QtQml/QQmlExtensionPlugin>
#include <cstdio>

#include "app_context.h"
#include "core/version.h"
#include "startup_options.h"

Q_IMPORT_QML_PLUGIN(HearthPlugin)

namespace {
QStringList argsFrom(int argc, char * argv[]) {
    QStringList args;
    for (int i = 0; i < argc; ++i) args << QString::fromLocal8Bit(argv[i]);
    return args;
}
}  // namespace

int main(int argc, char * argv[]) {
    // Before QGuiApplication, so that --version and --help need no display.
    const Hearth::StartupOptions options =
        Hearth::parseStartupOptions(argsFrom(argc, argv), qEnvironmentVariable("HEARTH_MODEL"));
    if (options.showVersion) {
        std::printf("hearth %s\n", Hearth::kVersion);
        return 0;
    }
    if (options.showHelp) {
        std::printf("%s", qPrintable(options.helpText));
        return 0;
    }
    QGuiApplication app(argc, argv);
    QGuiApplication::setApplicationName(QStringLiteral("Hearth"));
    QGuiApplication::setOrganizationName(QStringLiteral("Hearth"));
    QGuiApplication::setApplicationVersion(QString::fromLatin1(Hearth::kVersion));
    QGuiApplication::setDesktopFileName(QStringLiteral("hearth"));
    QQuickStyle::setStyle(QStringLiteral("Basic"));

    // The controllers, made and wired before the QML that shows them (and
    // destroyed after it: declared before the engine).
    Hearth::AppContext context(options, nullptr);
    QQmlApplicationEngine engine;
    QObject::connect(
        &engine, &QQmlApplicationEngine::objectCreationFailed, &app, [] { QCoreApplication::exit(1); },
        Qt::QueuedConnection);
    // Qt 6.4 does not search the module resource root by default; without it
    // `import Hearth` finds only the C++ types, not the module's QML files.
    engine.addImportPath(QStringLiteral("qrc:/qt/qml"));
    engine.load(QUrl(QStringLiteral("qrc:/qt/qml/Hearth/Main.qml")));
    if (!options.theme.isEmpty() && !engine.rootObjects().isEmpty())
        engine.rootObjects().first()->setProperty("themeMode", options.theme);
    return app.exec();
}
