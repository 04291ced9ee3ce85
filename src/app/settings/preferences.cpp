#include "preferences.h"

#include "core/app_settings.h"

namespace Hearth {

Preferences::Preferences(QObject * parent) : QObject(parent), m_theme(AppSettings().theme()) {}

void Preferences::setTheme(const QString & theme) {
    AppSettings settings;
    settings.setTheme(theme);
    const QString stored = settings.theme();
    if (stored == m_theme) return;
    m_theme = stored;
    emit themeChanged();
}

}  // namespace Hearth
