// RemoteController: the remote endpoints the user added and the models they
// offer, for the model picker and the "Remote endpoints" dialog.
//
// Endpoints are kept in the app's settings (remote_endpoint_settings.h).
// Each endpoint's model list comes from GET /v1/models through the chat's
// RemoteEngine, off the GUI thread; an endpoint that fails keeps its error
// (shown under its name) while the others list their models. The API key
// never comes back to QML: endpoints show only whether one is set.
#pragma once

#include <QtQml/qqmlregistration.h>

#include <QList>
#include <QObject>
#include <QVariantList>

#include "core/remote_endpoint.h"

namespace Hearth {

class RemoteEngine;

class RemoteController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("The chat's remote endpoints come from ChatModelController.remote")
    // [{name, baseUrl, hasKey, error, listing}]
    Q_PROPERTY(QVariantList endpoints READ endpoints NOTIFY changed)
    // [{index, endpoint, id, label, contextSize}], endpoints in order
    Q_PROPERTY(QVariantList models READ models NOTIFY changed)

public:
    RemoteController(RemoteEngine * engine, const QString & settingsPath, QObject * parent = nullptr);

    QVariantList endpoints() const;
    QVariantList models() const;
    // The model at `index` of models(); an empty id when out of range.
    RemoteModel modelAt(int index) const;

    // "" when added; else why not (a URL that is not http or https).
    Q_INVOKABLE QString addEndpoint(const QString & name, const QString & baseUrl, const QString & apiKey);
    Q_INVOKABLE void removeEndpoint(int index);
    // Lists every endpoint's models again.
    Q_INVOKABLE void refresh();

signals:
    void changed();

private:
    struct Entry {
        RemoteEndpoint endpoint;
        QList<RemoteModel> models;
        QString error;
        bool listing = false;
    };
    void onListed(const RemoteEndpoint & endpoint, const QList<RemoteModel> & models, const QString & error);
    void save() const;

    RemoteEngine * m_engine;
    QString m_settingsPath;
    QList<Entry> m_entries;
};

}  // namespace Hearth
