#include "core/json_importer.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

#include "core/conversation_store.h"
#include "core/json_exporter.h"
#include "core/store_sql.h"
#include "hearth/error.h"
#include "hearth/json_depth.h"

namespace Hearth {

namespace {

// Reads one JSON object, naming the path of whatever is missing or mistyped.
class ObjectReader {
public:
    ObjectReader(const QJsonObject & object, QString path, const QString & source)
        : m_object(object), m_path(std::move(path)), m_source(source) {}

    [[noreturn]] void fail(const QString & key, const QString & what) const {
        QString where = m_path.isEmpty() ? key : m_path + QLatin1Char('.') + key;
        throw hearth::Error(hearth::ErrorCode_format,
                            QStringLiteral("%1: %2: %3").arg(m_source, where, what).toStdString());
    }

    QJsonValue value(const QString & key, bool required) const {
        QJsonValue v = m_object.value(key);
        if (v.isUndefined() && required) fail(key, QStringLiteral("missing"));
        return v;
    }

    QString string(const QString & key, bool required = true) const {
        QJsonValue v = value(key, required);
        if (v.isUndefined()) return {};
        if (!v.isString()) fail(key, QStringLiteral("expected a string"));
        return v.toString();
    }

    bool boolean(const QString & key) const {
        QJsonValue v = value(key, false);
        if (v.isUndefined()) return false;
        if (!v.isBool()) fail(key, QStringLiteral("expected true or false"));
        return v.toBool();
    }

    double number(const QString & key) const {
        QJsonValue v = value(key, false);
        if (v.isUndefined()) return 0;
        if (!v.isDouble()) fail(key, QStringLiteral("expected a number"));
        return v.toDouble();
    }

    // A whole number, or null/absent (returned as 0).
    qint64 integer(const QString & key, bool required) const {
        QJsonValue v = value(key, required);
        if (v.isUndefined() || v.isNull()) return 0;
        if (!v.isDouble() || v.toDouble() != double(qint64(v.toDouble())))
            fail(key, QStringLiteral("expected an integer"));
        return qint64(v.toDouble());
    }

    QJsonObject object(const QString & key) const {
        QJsonValue v = value(key, false);
        if (v.isUndefined()) return {};
        if (!v.isObject()) fail(key, QStringLiteral("expected an object"));
        return v.toObject();
    }

    QJsonArray array(const QString & key, bool required = false) const {
        QJsonValue v = value(key, required);
        if (v.isUndefined()) return {};
        if (!v.isArray()) fail(key, QStringLiteral("expected an array"));
        return v.toArray();
    }

    QDateTime time(const QString & key) const {
        QString s = string(key);
        QDateTime t = QDateTime::fromString(s, Qt::ISODateWithMs);
        if (!t.isValid()) fail(key, QStringLiteral("'%1' is not an ISO 8601 date-time").arg(s));
        return t.toUTC();
    }

    qint64 seed(const QString & key) const {
        QJsonValue v = value(key, false);
        if (v.isString()) {
            bool ok = false;
            qint64 n = v.toString().toLongLong(&ok);
            if (!ok) fail(key, QStringLiteral("'%1' is not an integer").arg(v.toString()));
            return n;
        }
        return v.isUndefined() ? -1 : integer(key, false);
    }

    ObjectReader child(const QString & key, const QJsonValue & v) const {
        QString path = m_path.isEmpty() ? key : m_path + QLatin1Char('.') + key;
        if (!v.isObject())
            throw hearth::Error(hearth::ErrorCode_format,
                                QStringLiteral("%1: %2: expected an object").arg(m_source, path).toStdString());
        return ObjectReader(v.toObject(), path, m_source);
    }

private:
    QJsonObject m_object;
    QString m_path;
    const QString & m_source;
};

Message readMessage(const ObjectReader & r, const QSet<qint64> & earlierIds) {
    Message m;
    m.id = r.integer(QStringLiteral("id"), true);
    if (m.id <= 0 || earlierIds.contains(m.id))
        r.fail(QStringLiteral("id"), QStringLiteral("must be a new positive integer"));
    m.parentId = r.integer(QStringLiteral("parent"), false);
    if (m.parentId != 0 && !earlierIds.contains(m.parentId))
        r.fail(QStringLiteral("parent"), QStringLiteral("%1 is not an earlier message").arg(m.parentId));
    QString role = r.string(QStringLiteral("role"));
    auto parsedRole = roleFromName(role);
    if (!parsedRole) r.fail(QStringLiteral("role"), QStringLiteral("unknown role '%1'").arg(role));
    m.role = *parsedRole;
    m.content = r.string(QStringLiteral("content"));
    m.reasoning = r.string(QStringLiteral("reasoning"), false);
    m.toolCalls = r.array(QStringLiteral("tool_calls"));
    m.toolResults = r.array(QStringLiteral("tool_results"));
    m.createdAt = r.time(QStringLiteral("created_at"));
    QString state = r.string(QStringLiteral("state"), false);
    auto parsedState = state.isEmpty() ? std::optional(MessageState::Complete) : stateFromName(state);
    if (!parsedState) r.fail(QStringLiteral("state"), QStringLiteral("unknown state '%1'").arg(state));
    m.state = *parsedState;
    QJsonValue generation = r.value(QStringLiteral("generation"), false);
    if (!generation.isUndefined()) {
        ObjectReader g = r.child(QStringLiteral("generation"), generation);
        m.generation.modelFile = g.string(QStringLiteral("model_file"), false);
        m.generation.modelSha256 = g.string(QStringLiteral("model_sha256"), false);
        m.generation.sampling = g.object(QStringLiteral("settings"));
        m.generation.seed = g.seed(QStringLiteral("seed"));
    }
    QJsonValue stats = r.value(QStringLiteral("stats"), false);
    if (!stats.isUndefined()) {
        ObjectReader s = r.child(QStringLiteral("stats"), stats);
        m.stats.promptTokens = int(s.integer(QStringLiteral("prompt_tokens"), false));
        m.stats.generatedTokens = int(s.integer(QStringLiteral("generated_tokens"), false));
        m.stats.promptTokensPerSecond = s.number(QStringLiteral("prompt_tokens_per_second"));
        m.stats.generationTokensPerSecond = s.number(QStringLiteral("generation_tokens_per_second"));
        m.stats.timeToFirstTokenMs = s.number(QStringLiteral("time_to_first_token_ms"));
        m.stats.stopReason = s.string(QStringLiteral("stop_reason"), false);
        m.stats.thinkingMs = s.number(QStringLiteral("thinking_ms"));
        if (m.stats.thinkingMs < 0) s.fail(QStringLiteral("thinking_ms"), QStringLiteral("must not be negative"));
    }
    return m;
}

ConversationTree readConversation(const ObjectReader & r) {
    ConversationTree t;
    Conversation & c = t.conversation;
    c.title = r.string(QStringLiteral("title"));
    c.model = r.string(QStringLiteral("model"), false);
    c.systemPrompt = r.string(QStringLiteral("system_prompt"), false);
    c.sampling = r.object(QStringLiteral("settings"));
    c.pinned = r.boolean(QStringLiteral("pinned"));
    c.createdAt = r.time(QStringLiteral("created_at"));
    c.updatedAt = r.time(QStringLiteral("updated_at"));
    c.importedAt = QDateTime::currentDateTimeUtc();  // the sidebar marks imported chats
    QJsonArray messages = r.array(QStringLiteral("messages"), true);
    QSet<qint64> ids;
    for (qsizetype i = 0; i < messages.size(); ++i) {
        Message m = readMessage(r.child(QStringLiteral("messages[%1]").arg(i), messages.at(i)), ids);
        ids.insert(m.id);
        t.messages.append(m);
    }
    c.activeLeafId = r.integer(QStringLiteral("active_leaf"), false);
    if (c.activeLeafId != 0 && !ids.contains(c.activeLeafId))
        r.fail(QStringLiteral("active_leaf"),
               QStringLiteral("%1 is not a message of this conversation").arg(c.activeLeafId));
    return t;
}

}  // namespace

QList<ConversationTree> JsonImporter::parse(const QByteArray & json, const QString & sourceName) {
    // Qt parses up to 1024 levels; the records below walk what it returns.
    if (!hearth::json_depth_within(std::string_view(json.constData(), size_t(json.size()))))
        throw hearth::Error(hearth::ErrorCode_format, QStringLiteral("%1: JSON nested deeper than %2 levels")
                                                          .arg(sourceName)
                                                          .arg(hearth::k_json_max_depth)
                                                          .toStdString());
    QJsonParseError error{};
    QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (doc.isNull())
        throw hearth::Error(hearth::ErrorCode_format, QStringLiteral("%1: not valid JSON at byte %2: %3")
                                                          .arg(sourceName)
                                                          .arg(error.offset)
                                                          .arg(error.errorString())
                                                          .toStdString());
    if (!doc.isObject())
        throw hearth::Error(hearth::ErrorCode_format,
                            QStringLiteral("%1: expected a JSON object at the top").arg(sourceName).toStdString());
    ObjectReader top(doc.object(), QString(), sourceName);
    QString format = top.string(QStringLiteral("format"));
    if (format != QLatin1String(JsonExporter::formatName()))
        top.fail(QStringLiteral("format"), QStringLiteral("'%1' is not a Hearth conversation export").arg(format));
    qint64 version = top.integer(QStringLiteral("version"), true);
    if (version < 1 || version > JsonExporter::kFormatVersion)
        throw hearth::Error(hearth::ErrorCode_unsupported,
                            QStringLiteral("%1: export format version %2; this Hearth reads up to %3")
                                .arg(sourceName)
                                .arg(version)
                                .arg(JsonExporter::kFormatVersion)
                                .toStdString());
    QJsonArray conversations = top.array(QStringLiteral("conversations"), true);
    QList<ConversationTree> trees;
    for (qsizetype i = 0; i < conversations.size(); ++i)
        trees.append(readConversation(top.child(QStringLiteral("conversations[%1]").arg(i), conversations.at(i))));
    return trees;
}

QList<qint64> JsonImporter::importInto(ConversationStore & store, const QList<ConversationTree> & trees) {
    // All or nothing: a failure half-way leaves no partial import behind.
    QSqlDatabase db = store.database();
    StoreSql::Transaction tx(db);
    QList<qint64> ids;
    for (const ConversationTree & t : trees) ids.append(store.insertTree(t));
    tx.commit();
    return ids;
}

QList<qint64> JsonImporter::importFile(ConversationStore & store, const QString & path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw hearth::Error(hearth::ErrorCode_io,
                            QStringLiteral("cannot read %1: %2").arg(path, file.errorString()).toStdString());
    return importInto(store, parse(file.readAll(), path));
}

}  // namespace Hearth
