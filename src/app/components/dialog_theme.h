// DialogTheme: gives Qt Quick's own (non-native) file and folder dialogs the
// theme's colours where their Basic-style QML hard-codes white: the folder
// breadcrumb bar's background (Qt 6.4's FolderBreadcrumbBar.qml sets no
// colour, so it stays white under a dark palette and its light text cannot
// be read). The rest of those dialogs follows the window's palette.
//
// QML calls apply() when a dialog opens; it finds the bars under `window`'s
// items (the dialogs live in its overlay) and sets their background colour.
#pragma once

#include <QtQml/qqmlregistration.h>

#include <QColor>
#include <QObject>
#include <QQuickWindow>

namespace Hearth {

class DialogTheme : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QQuickWindow * window MEMBER m_window NOTIFY changed)
    Q_PROPERTY(QColor background MEMBER m_background NOTIFY changed)

public:
    explicit DialogTheme(QObject * parent = nullptr) : QObject(parent) {}
    // Returns how many bars it coloured.
    Q_INVOKABLE int apply() const;

signals:
    void changed();

private:
    QQuickWindow * m_window = nullptr;
    QColor m_background;
};

}  // namespace Hearth
