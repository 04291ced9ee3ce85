#include "dialog_theme.h"

#include <QQuickItem>

namespace Hearth {

int DialogTheme::apply() const {
    if (!m_window || !m_background.isValid()) return 0;
    int coloured = 0;
    QList<QQuickItem *> stack{m_window->contentItem()};
    while (!stack.isEmpty()) {
        QQuickItem * item = stack.takeLast();
        stack.append(item->childItems());
        if (!item->inherits("QQuickFolderBreadcrumbBar")) continue;
        if (QObject * background = item->property("background").value<QQuickItem *>()) {
            background->setProperty("color", m_background);
            ++coloured;
        }
    }
    return coloured;
}

}  // namespace Hearth
