#include "chat_selection.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QRectF>
#include <algorithm>

namespace Hearth {

namespace {

// A TextEdit's selectedText of rich text separates paragraphs and lines with
// U+2029 / U+2028 and keeps non-breaking spaces; the clipboard wants plain text.
QString plainText(QString text) {
    text.replace(QChar::ParagraphSeparator, QLatin1Char('\n'));
    text.replace(QChar::LineSeparator, QLatin1Char('\n'));
    text.replace(QChar::Nbsp, QLatin1Char(' '));
    text.remove(QChar::ObjectReplacementCharacter);
    return text;
}

int intProperty(const QQuickItem * item, const char * name) {
    return item->property(name).toInt();
}

QRectF rectIn(const QQuickItem * item, const QQuickItem * container) {
    return item->mapRectToItem(container, QRectF(0, 0, item->width(), item->height()));
}

}  // namespace

ChatSelection::ChatSelection(QObject * parent) : QObject(parent) {}

void ChatSelection::setContainer(QQuickItem * container) {
    if (m_container == container) return;
    clear();
    m_container = container;
    emit containerChanged();
}

// The read-only TextEdits on show, top to bottom (then left to right).
QList<QQuickItem *> ChatSelection::textItems() const {
    QList<QQuickItem *> found;
    if (!m_container) return found;
    QList<QQuickItem *> stack = m_container->childItems();
    while (!stack.isEmpty()) {
        QQuickItem * item = stack.takeLast();
        if (!item->isVisible()) continue;
        if (item->inherits("QQuickTextEdit")) {
            if (item->property("readOnly").toBool() && item->width() > 0 && item->height() > 0) found.append(item);
            continue;
        }
        stack.append(item->childItems());
    }
    QList<QPair<QPointF, QQuickItem *>> placed;
    placed.reserve(found.size());
    for (QQuickItem * item : found) placed.append({item->mapToItem(m_container, QPointF(0, 0)), item});
    std::sort(placed.begin(), placed.end(), [](const auto & a, const auto & b) {
        return a.first.y() != b.first.y() ? a.first.y() < b.first.y() : a.first.x() < b.first.x();
    });
    QList<QQuickItem *> ordered;
    ordered.reserve(placed.size());
    for (const auto & p : placed) ordered.append(p.second);
    return ordered;
}

QQuickItem * ChatSelection::itemAt(const QList<QQuickItem *> & items, QPointF p) const {
    for (QQuickItem * item : items)
        if (rectIn(item, m_container).contains(p)) return item;
    return nullptr;
}

int ChatSelection::positionIn(QQuickItem * item, QPointF p) const {
    const QPointF local = m_container->mapToItem(item, p);
    int position = 0;
    QMetaObject::invokeMethod(item, "positionAt", Q_RETURN_ARG(int, position), Q_ARG(qreal, local.x()),
                              Q_ARG(qreal, local.y()));
    return position;
}

// The text position nearest to p: in the item whose rows span p's height
// (beside it counts: the line's start or end), else the end of the item
// above, else the start of the first one.
ChatSelection::Point ChatSelection::locate(const QList<QQuickItem *> & items, QPointF p) const {
    Point point;
    for (QQuickItem * item : items) {
        const QRectF r = rectIn(item, m_container);
        if (p.y() >= r.top() && p.y() <= r.bottom()) return {item, positionIn(item, p)};
        if (r.bottom() < p.y()) point = {item, intProperty(item, "length")};
    }
    if (!point.item && !items.isEmpty()) point = {items.first(), 0};
    return point;
}

bool ChatSelection::press(qreal x, qreal y) {
    const QList<QQuickItem *> items = textItems();
    QQuickItem * hit = itemAt(items, QPointF(x, y));
    if (!hit) return false;
    clear();
    m_anchor = m_focus = {hit, positionIn(hit, QPointF(x, y))};
    return true;
}

void ChatSelection::extend(qreal x, qreal y) {
    if (!m_anchor.item) return;
    m_focus = locate(textItems(), QPointF(x, y));
    apply();
}

bool ChatSelection::selectWord(qreal x, qreal y) {
    QQuickItem * hit = itemAt(textItems(), QPointF(x, y));
    if (!hit) return false;
    clear();
    hit->setProperty("cursorPosition", positionIn(hit, QPointF(x, y)));
    QMetaObject::invokeMethod(hit, "selectWord");
    m_anchor = {hit, intProperty(hit, "selectionStart")};
    m_focus = {hit, intProperty(hit, "selectionEnd")};
    apply();
    return true;
}

void ChatSelection::selectAll() {
    const QList<QQuickItem *> items = textItems();
    if (items.isEmpty()) return;
    m_anchor = {items.first(), 0};
    m_focus = {items.last(), intProperty(items.last(), "length")};
    apply();
}

void ChatSelection::clear() {
    m_anchor = m_focus = Point();
    setSelected({});
}

// Selects [anchor, focus] (in screen order) across the items between them.
void ChatSelection::apply() {
    const QList<QQuickItem *> items = textItems();
    qsizetype a = items.indexOf(m_anchor.item.data()), f = items.indexOf(m_focus.item.data());
    if (!m_anchor.item || !m_focus.item || a < 0 || f < 0) {
        clear();
        return;
    }
    Point first = m_anchor, last = m_focus;
    if (f < a || (f == a && m_focus.position < m_anchor.position)) {
        std::swap(first, last);
        std::swap(a, f);
    }
    QList<QPointer<QQuickItem>> selected;
    for (qsizetype i = a; i <= f; ++i) {
        QQuickItem * item = items[i];
        const int start = i == a ? first.position : 0;
        const int end = i == f ? last.position : intProperty(item, "length");
        if (start >= end) continue;
        QMetaObject::invokeMethod(item, "select", Q_ARG(int, start), Q_ARG(int, end));
        selected.append(item);
    }
    setSelected(std::move(selected));
}

// Deselects what left the selection; announces a change.
void ChatSelection::setSelected(QList<QPointer<QQuickItem>> items) {
    for (const QPointer<QQuickItem> & old : std::as_const(m_selected))
        if (old && !items.contains(old)) QMetaObject::invokeMethod(old.data(), "deselect");
    if (items == m_selected) return;
    const bool had = hasSelection();
    m_selected = std::move(items);
    if (had || hasSelection()) emit selectionChanged();
}

QString ChatSelection::linkAt(qreal x, qreal y) const {
    QQuickItem * hit = itemAt(textItems(), QPointF(x, y));
    if (!hit) return {};
    const QPointF local = m_container->mapToItem(hit, QPointF(x, y));
    QString link;
    QMetaObject::invokeMethod(hit, "linkAt", Q_RETURN_ARG(QString, link), Q_ARG(qreal, local.x()),
                              Q_ARG(qreal, local.y()));
    return link;
}

QString ChatSelection::selectedText() const {
    QStringList pieces;
    for (const QPointer<QQuickItem> & item : m_selected) {
        if (!item) continue;
        const int start = intProperty(item, "selectionStart"), end = intProperty(item, "selectionEnd");
        if (start >= end) continue;  // its text changed under the selection
        const QString source = item->property("markdownSource").toString();
        const bool whole = start == 0 && end == intProperty(item, "length");
        pieces.append(whole && !source.isEmpty() ? source : plainText(item->property("selectedText").toString()));
    }
    return pieces.join(QStringLiteral("\n\n"));
}

bool ChatSelection::copy() const {
    const QString text = selectedText();
    if (text.isEmpty()) return false;
    QGuiApplication::clipboard()->setText(text);
    return true;
}

}  // namespace Hearth
