// Preferences: app-wide choices that are not a chat's, for QML. For now the
// colour theme: "system" (follow the desktop), "light" or "dark", kept in
// AppSettings so it survives a restart. `themeMode` is what Theme.forced
// takes ("" for the system's).
#pragma once

#include <QtQml/qqmlregistration.h>

#include <QObject>

namespace Hearth {

class Preferences : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QString theme READ theme WRITE setTheme NOTIFY themeChanged)
    Q_PROPERTY(QString themeMode READ themeMode NOTIFY themeChanged)
public:
    explicit Preferences(QObject * parent = nullptr);

    QString theme() const { return m_theme; }
    void setTheme(const QString & theme);  // an unknown name means "system"
    QString themeMode() const { return m_theme == QLatin1String("system") ? QString() : m_theme; }

signals:
    void themeChanged();

private:
    QString m_theme;
};

}  // namespace Hearth
