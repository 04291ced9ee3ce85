// How long ago a conversation was last updated, as the sidebar shows it:
// "now", "5 min", "3 h", "2 d", then the date ("4 Dec").
#pragma once

#include <QDateTime>
#include <QString>

namespace Hearth {

QString ageText(const QDateTime & then, const QDateTime & now);

}  // namespace Hearth
