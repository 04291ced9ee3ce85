// StartupOptions: what the desktop app's command line asks for, parsed once
// (main.cpp) and handed to AppContext. Nothing else reads argv.
//
//   hearth [--model PATH | PATH.gguf] [--theme light|dark] [--version] [-h|--help]
// No model on the command line: `envModel` ($HEARTH_MODEL, read by the caller).
// Unknown options are ignored, not fatal: Qt's own (-platform offscreen,
// -style, -qmljsdebugger=...) may be in the list, since it is parsed before
// QGuiApplication takes them out, so that --version works without a display.
#pragma once

#include <QString>
#include <QStringList>

namespace Hearth {

struct StartupOptions {
    QString model;  // a path, a file:// URL, or "" (restore the last model)
    QString theme;  // "light", "dark", or "" (the saved choice)
    bool showVersion = false;
    bool showHelp = false;
    QString helpText;  // the usage and the options, for --help
};

// `args` as argv (the program first). A positional argument counts as the
// model only when it ends in .gguf (any case); the first one wins, and
// --model beats it.
StartupOptions parseStartupOptions(const QStringList & args, const QString & envModel);

}  // namespace Hearth
