#include "startup_options.h"

#include <QCommandLineParser>

namespace Hearth {

namespace {

QString firstGguf(const QStringList & positional) {
    for (const QString & arg : positional)
        if (arg.endsWith(QLatin1String(".gguf"), Qt::CaseInsensitive)) return arg;
    return {};
}

// The parser's help without its first line, which names "<executable_name>"
// when no QCoreApplication exists yet.
QString helpText(const QCommandLineParser & parser) {
    QString options = parser.helpText();
    options = options.mid(options.indexOf(QLatin1Char('\n')) + 1);
    return QStringLiteral("usage: hearth [--model PATH | PATH.gguf] [--theme light|dark] [--version]\n") + options;
}

}  // namespace

StartupOptions parseStartupOptions(const QStringList & args, const QString & envModel) {
    QCommandLineParser parser;
    // -platform is one option, not -p -l -a ...: Qt's own single-dash options parse as long ones.
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    parser.setApplicationDescription(QStringLiteral("Hearth: chat with local language models."));
    const QCommandLineOption model(QStringLiteral("model"), QStringLiteral("The GGUF model to load."),
                                   QStringLiteral("PATH"));
    const QCommandLineOption theme(QStringLiteral("theme"), QStringLiteral("The theme for this run: light or dark."),
                                   QStringLiteral("light|dark"));
    const QCommandLineOption version(QStringLiteral("version"), QStringLiteral("Print the version and exit."));
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")},
                                  QStringLiteral("Print this help and exit."));
    parser.addOptions({model, theme, version, help});
    parser.addPositionalArgument(QStringLiteral("PATH.gguf"), QStringLiteral("The model to load (as --model)."));
    // parse(), not process(): an unknown option is an error we ignore, and the rest is still read.
    parser.parse(args);

    StartupOptions options;
    options.showVersion = parser.isSet(version);
    options.showHelp = parser.isSet(help);
    options.theme = parser.value(theme);
    options.model = parser.isSet(model) ? parser.value(model) : firstGguf(parser.positionalArguments());
    if (options.model.isEmpty()) options.model = envModel;
    if (options.showHelp) options.helpText = helpText(parser);
    return options;
}

}  // namespace Hearth
