#include "core/tool_json.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QStringList>

namespace Hearth {

QJsonValue toQJson(const nlohmann::json & value) {
    // Through text: wrapped in an array so scalars parse too.
    const std::string text =
        nlohmann::json::array({value}).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return QJsonDocument::fromJson(QByteArray::fromStdString(text)).array().at(0);
}

nlohmann::json toNlohmann(const QJsonObject & value) {
    const QByteArray text = QJsonDocument(value).toJson(QJsonDocument::Compact);
    return nlohmann::json::parse(text.constData(), text.constData() + text.size(), nullptr, false);
}

namespace {

QString partText(const QJsonObject & part) {
    const QString type = part.value("type").toString();
    if (type == QLatin1String("text")) return part.value("text").toString();
    if (type == QLatin1String("image") || type == QLatin1String("audio"))
        return QStringLiteral("[%1: %2]").arg(type, part.value("mimeType").toString());
    if (type == QLatin1String("resource")) {
        const QJsonObject r = part.value("resource").toObject();
        if (r.contains("text")) return r.value("text").toString();
        return QStringLiteral("[resource: %1]").arg(r.value("uri").toString());
    }
    if (type == QLatin1String("resource_link"))
        return QStringLiteral("[resource link: %1]").arg(part.value("uri").toString());
    return QStringLiteral("[%1]").arg(type);
}

}  // namespace

QString toolResultText(const QJsonObject & result) {
    QStringList parts;
    for (const QJsonValue & v : result.value("content").toArray()) parts << partText(v.toObject());
    QString text = parts.join(QLatin1Char('\n'));
    if (text.trimmed().isEmpty() && result.contains("structuredContent"))
        text = QString::fromUtf8(
            QJsonDocument(result.value("structuredContent").toObject()).toJson(QJsonDocument::Compact));
    if (result.value("isError").toBool()) text = QStringLiteral("Error: ") + text;
    return text;
}

QJsonObject toolErrorResult(const QString & message) {
    const QJsonObject part{{"type", "text"}, {"text", message}};
    return QJsonObject{{"content", QJsonArray{part}}, {"isError", true}};
}

}  // namespace Hearth
