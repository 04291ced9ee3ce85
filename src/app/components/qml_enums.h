// The core's state enums as QML sees them, so QML compares values, not words:
//   Message.User, Message.Assistant, Message.Streaming, ...  (conversation_types.h)
//   Download.Running, Download.Paused, ...                   (downloader.h)
// The enums live in core (Qt-Quick-free); these namespaces only name them for
// the QML module (QML_FOREIGN_NAMESPACE). The app's own states are Q_ENUMs of
// their controllers (ChatModelController.Ready, ServerController.Running).
#pragma once

#include <QtQml/qqmlregistration.h>

#include "core/conversation_types.h"
#include "core/downloader.h"

namespace Hearth::QmlEnums {

namespace MessageForeign {
Q_NAMESPACE
QML_FOREIGN_NAMESPACE(Hearth::MessageEnums)
QML_NAMED_ELEMENT(Message)
}  // namespace MessageForeign

namespace DownloadForeign {
Q_NAMESPACE
QML_FOREIGN_NAMESPACE(Hearth::DownloadEnums)
QML_NAMED_ELEMENT(Download)
}  // namespace DownloadForeign

}  // namespace Hearth::QmlEnums
