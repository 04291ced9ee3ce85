// Conversions between the JSON of the Qt side (QJson*) and of the Qt-free
// tool and MCP code (nlohmann::json), and the text a model reads for an MCP
// CallToolResult.
#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <nlohmann/json.hpp>

namespace Hearth {

QJsonValue toQJson(const nlohmann::json & value);
nlohmann::json toNlohmann(const QJsonObject & value);

// CallToolResult -> the text the model reads: text parts joined; images,
// resources and links named; structuredContent when there is no text; an
// error result starts with "Error: ".
QString toolResultText(const QJsonObject & callToolResult);

// An error CallToolResult ({"content":[{"type":"text","text":message}],"isError":true}).
QJsonObject toolErrorResult(const QString & message);

}  // namespace Hearth
