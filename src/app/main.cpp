// Hearth's desktop executable: sets up Qt, makes the controllers (AppContext)
// and loads the QML module's Main.qml.
//
//   hearth [--model PATH | PATH.gguf] [--theme light|dark] [--version]
// The model may also come from $HEARTH_MODEL, the data directory from
// $HEARTH_DATA_DIR (see core/app_paths.h).
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickStyle>
#include <QtQml/QQmlExtensionPlugin>
#include <cstdio>
#include <cstring>

#include "app_context.h"
#include "core/version.h"

Q_IMPORT_QML_PLUGIN(HearthPlugin)

int main(int argc, char * argv[]) {
    const char * theme = nullptr;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--version")) {
            std::printf("hearth %s\n", Hearth::kVersion);
            return 0;
        }
        if (!std::strcmp(argv[i], "--help")) {
            std::printf("usage: hearth [--model PATH | PATH.gguf] [--theme light|dark] [--version]\n");
            return 0;
        }
        if (!std::strcmp(argv[i], "--theme") && i + 1 < argc) theme = argv[i + 1];
    }
    QGuiApplication app(argc, argv);
    QGuiApplication::setApplicationName(QStringLiteral("Hearth"));
    QGuiApplication::setOrganizationName(QStringLiteral("Hearth"));
    QGuiApplication::setApplicationVersion(QString::fromLatin1(Hearth::kVersion));
    QGuiApplication::setDesktopFileName(QStringLiteral("hearth"));
    QQuickStyle::setStyle(QStringLiteral("Basic"));

    // The controllers, made and wired before the QML that shows them (and
    // destroyed after it: declared before the engine).
    Hearth::AppContext context(nullptr);
    QQmlApplicationEngine engine;
    QObject::connect(
        &engine, &QQmlApplicationEngine::objectCreationFailed, &app, [] { QCoreApplication::exit(1); },
        Qt::QueuedConnection);
    // Qt 6.4 does not search the module resource root by default; without it
    // `import Hearth` finds only the C++ types, not the module's QML files.
    engine.addImportPath(QStringLiteral("qrc:/qt/qml"));
    engine.load(QUrl(QStringLiteral("qrc:/qt/qml/Hearth/Main.qml")));
    if (theme && !engine.rootObjects().isEmpty())
        engine.rootObjects().first()->setProperty("themeMode", QString::fromUtf8(theme));
    return app.exec();
}
