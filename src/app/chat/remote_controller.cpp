#include "remote_controller.h"

#include <QVariantMap>

#include "core/remote_endpoint_settings.h"
#include "core/remote_engine.h"

namespace Hearth {

RemoteController::RemoteController(RemoteEngine * engine, const QString & settingsPath, QObject * parent)
    : QObject(parent), m_engine(engine), m_settingsPath(settingsPath) {
    for (const RemoteEndpoint & e : loadRemoteEndpoints(m_settingsPath)) m_entries.append(Entry{e, {}, {}, false});
    connect(m_engine, &RemoteEngine::modelsListed, this, &RemoteController::onListed);
    refresh();
}

QVariantList RemoteController::endpoints() const {
    QVariantList out;
    for (const Entry & e : m_entries)
        out.append(QVariantMap{{"name", e.endpoint.label(QString())},
                               {"baseUrl", e.endpoint.baseUrl},
                               {"hasKey", !e.endpoint.apiKey.isEmpty()},
                               {"error", e.error},
                               {"listing", e.listing}});
    return out;
}

QVariantList RemoteController::models() const {
    QVariantList out;
    int index = 0;
    for (const Entry & e : m_entries)
        for (const RemoteModel & m : e.models)
            out.append(QVariantMap{{"index", index++},
                                   {"endpoint", e.endpoint.label(QString())},
                                   {"id", m.id},
                                   {"label", e.endpoint.label(m.id)},
                                   {"contextSize", m.contextSize}});
    return out;
}

RemoteModel RemoteController::modelAt(int index) const {
    for (const Entry & e : m_entries) {
        if (index < e.models.size()) return index >= 0 ? e.models[index] : RemoteModel{};
        index -= int(e.models.size());
    }
    return {};
}

QString RemoteController::addEndpoint(const QString & name, const QString & baseUrl, const QString & apiKey) {
    const RemoteEndpoint e{name.trimmed(), baseUrl.trimmed(), apiKey.trimmed()};
    if (!e.isValid()) return tr("Enter an http:// or https:// URL, such as http://192.168.1.20:8080.");
    m_entries.append(Entry{e, {}, {}, true});
    save();
    emit changed();
    m_engine->listModels(e);
    return QString();
}

void RemoteController::removeEndpoint(int index) {
    if (index < 0 || index >= m_entries.size()) return;
    m_entries.removeAt(index);
    save();
    emit changed();
}

void RemoteController::refresh() {
    for (Entry & e : m_entries) {
        e.listing = true;
        m_engine->listModels(e.endpoint);
    }
    if (!m_entries.isEmpty()) emit changed();
}

void RemoteController::onListed(const RemoteEndpoint & endpoint, const QList<RemoteModel> & models,
                                const QString & error) {
    for (Entry & e : m_entries)
        if (e.endpoint == endpoint) {
            e.models = models;
            e.error = error;
            e.listing = false;
        }
    emit changed();
}

void RemoteController::save() const {
    QList<RemoteEndpoint> list;
    for (const Entry & e : m_entries) list.append(e.endpoint);
    saveRemoteEndpoints(list, m_settingsPath);
}

}  // namespace Hearth
