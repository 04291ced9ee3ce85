// The user's remote endpoints in the app's settings file (AppSettings'
// INI): names, base URLs and API keys, in the order the user added them. The
// keys sit beside the Hugging Face token, in the same file.
#pragma once

#include <QList>
#include <QString>

#include "core/remote_endpoint.h"

namespace Hearth {

QList<RemoteEndpoint> loadRemoteEndpoints(const QString & iniPath);
void saveRemoteEndpoints(const QList<RemoteEndpoint> & endpoints, const QString & iniPath);

}  // namespace Hearth
