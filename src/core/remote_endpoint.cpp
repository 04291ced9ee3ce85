#include "core/remote_endpoint.h"

#include <QUrl>

namespace Hearth {

bool RemoteEndpoint::isValid() const {
    const QUrl u(baseUrl.trimmed(), QUrl::StrictMode);
    const QString scheme = u.scheme().toLower();
    return u.isValid() && (scheme == QLatin1String("http") || scheme == QLatin1String("https")) && !u.host().isEmpty();
}

QString RemoteEndpoint::apiUrl(const QString & path) const {
    QString base = baseUrl.trimmed();
    while (base.endsWith(QLatin1Char('/'))) base.chop(1);
    if (!base.endsWith(QLatin1String("/v1"))) base += QLatin1String("/v1");
    return base + QLatin1Char('/') + path;
}

QString RemoteEndpoint::label(const QString & model) const {
    const QString who = name.trimmed().isEmpty() ? QUrl(baseUrl.trimmed()).host() : name.trimmed();
    return model.isEmpty() ? who : who + QStringLiteral(" \u00b7 ") + model;
}

}  // namespace Hearth
