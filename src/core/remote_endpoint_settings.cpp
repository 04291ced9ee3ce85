#include "core/remote_endpoint_settings.h"

#include <QSettings>

namespace Hearth {

namespace {
constexpr int kMaxEndpoints = 64;  // a hand-edited file cannot make the picker unbounded
}

QList<RemoteEndpoint> loadRemoteEndpoints(const QString & iniPath) {
    QSettings s(iniPath, QSettings::IniFormat);
    QList<RemoteEndpoint> out;
    const int n = qMin(s.beginReadArray(QStringLiteral("remoteEndpoints")), kMaxEndpoints);
    for (int i = 0; i < n; ++i) {
        s.setArrayIndex(i);
        RemoteEndpoint e{s.value(QStringLiteral("name")).toString(), s.value(QStringLiteral("baseUrl")).toString(),
                         s.value(QStringLiteral("apiKey")).toString()};
        if (e.isValid()) out.append(e);
    }
    s.endArray();
    return out;
}

void saveRemoteEndpoints(const QList<RemoteEndpoint> & endpoints, const QString & iniPath) {
    QSettings s(iniPath, QSettings::IniFormat);
    s.remove(QStringLiteral("remoteEndpoints"));
    s.beginWriteArray(QStringLiteral("remoteEndpoints"), int(endpoints.size()));
    for (int i = 0; i < endpoints.size(); ++i) {
        s.setArrayIndex(i);
        s.setValue(QStringLiteral("name"), endpoints[i].name);
        s.setValue(QStringLiteral("baseUrl"), endpoints[i].baseUrl);
        s.setValue(QStringLiteral("apiKey"), endpoints[i].apiKey);
    }
    s.endArray();
}

}  // namespace Hearth
