#include "core/load_error_text.h"

#include <QFileInfo>
#include <QRegularExpression>

namespace Hearth {

namespace {

// The engine names the file ("<path>: ...", "GGUF '<path>': ..."); the UI shows it already.
QString stripPath(QString message, const QString & path) {
    if (path.isEmpty()) return message;
    message.replace(QStringLiteral("GGUF '") + path + QStringLiteral("': "), QString());
    message.replace(path + QStringLiteral(": "), QString());
    message.replace(path, QFileInfo(path).fileName());
    return message;
}

QString sentence(QString text) {
    text = text.trimmed();
    if (text.isEmpty()) return text;
    text[0] = text[0].toUpper();
    if (!text.endsWith(QLatin1Char('.'))) text += QLatin1Char('.');
    return text;
}

// "... a context of 4096 tokens needs 18637 MiB (...) but only 15462 MiB is available ..."
QString memoryText(const QString & detail) {
    static const QRegularExpression re(QStringLiteral("context of (\\d+) tokens needs (\\d+) MiB.*only (\\d+) MiB"));
    QRegularExpressionMatch m = re.match(detail);
    if (!m.hasMatch()) return sentence(detail);
    const double mib = 1024.0 * 1024.0;
    return QStringLiteral(
               "This model needs %1 but %2 is free (for a context of %3 tokens). "
               "Choose a smaller context size in the chat settings, or close other programs.")
        .arg(formatGigabytes(m.captured(2).toDouble() * mib), formatGigabytes(m.captured(3).toDouble() * mib),
             m.captured(1));
}

}  // namespace

QString formatGigabytes(double bytes) {
    return QString::number(bytes / 1e9, 'f', 1) + QStringLiteral(" GB");
}

QString loadErrorText(hearth::ErrorCode code, const QString & message, const QString & path) {
    const QString detail = stripPath(message, path);
    switch (code) {
        case hearth::ErrorCode_resources:
            return memoryText(detail);
        case hearth::ErrorCode_unsupported:
            return sentence(detail);
        case hearth::ErrorCode_format:
            return QStringLiteral("This file is not a usable GGUF model (it may be damaged or incomplete): ") +
                   sentence(detail);
        case hearth::ErrorCode_io:
            return QStringLiteral("The model file could not be read: ") + sentence(detail);
        case hearth::ErrorCode_cancelled:
            return QStringLiteral("Loading was cancelled.");
        case hearth::ErrorCode_tokenizer:
            return QStringLiteral("This model's tokenizer is not supported: ") + sentence(detail);
        case hearth::ErrorCode_model:
            return QStringLiteral("This model file does not match its architecture: ") + sentence(detail);
        default:
            return sentence(detail);
    }
}

QString generationErrorText(hearth::ErrorCode code, const QString & message) {
    switch (code) {
        case hearth::ErrorCode_context:
            return QStringLiteral("The conversation no longer fits in the model's context: ") + sentence(message) +
                   QStringLiteral(" Start a new chat or raise the context size.");
        case hearth::ErrorCode_template:
            return QStringLiteral("The model's chat template failed: ") + sentence(message);
        default:
            return sentence(message);
    }
}

}  // namespace Hearth
