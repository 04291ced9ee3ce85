// ChatSelection: one text selection across the chat view's messages.
//
// Every message block is its own read-only TextEdit (the user's bubble, the
// thinking text, each Markdown paragraph, each code card), so a TextEdit's
// own mouse selection stops at its edges. The chat view instead lays a mouse
// area over the list and sends its presses and drags here; this object finds
// the TextEdits under the points in `container` (the ListView's contentItem),
// orders them as they stand on screen (top to bottom), and selects the range
// between the anchor and the current point: the anchor's item from the
// anchor on, the items in between whole, the last item up to the point.
//
// copy() puts the selection on the clipboard in order, its pieces separated
// by a blank line. A block selected whole is copied as Markdown where the
// item says what its source is (a `markdownSource` string property; a code
// card's `codeLanguage` fences its text); a part of a block as plain text.
//
// Only the TextEdits that exist are seen: a ListView destroys delegates far
// outside its cache buffer, and an anchor that goes with them ends the
// selection. A TextEdit whose text changes (a streaming reply's last block)
// drops its own part.
#pragma once

#include <QtQml/qqmlregistration.h>

#include <QList>
#include <QObject>
#include <QPointF>
#include <QPointer>
#include <QQuickItem>

namespace Hearth {

class ChatSelection : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QQuickItem * container READ container WRITE setContainer NOTIFY containerChanged)
    Q_PROPERTY(bool hasSelection READ hasSelection NOTIFY selectionChanged)

public:
    explicit ChatSelection(QObject * parent = nullptr);

    QQuickItem * container() const { return m_container; }
    void setContainer(QQuickItem * container);
    bool hasSelection() const { return !m_selected.isEmpty(); }

    // Points are in the container's coordinates.
    // A press on a selectable text: clears the old selection and anchors a
    // new one there (true). Elsewhere: false, nothing changes.
    Q_INVOKABLE bool press(qreal x, qreal y);
    // The drag's current point: selects from the anchor to the nearest text position.
    Q_INVOKABLE void extend(qreal x, qreal y);
    // The word under the point (a double click); false when no text is there.
    Q_INVOKABLE bool selectWord(qreal x, qreal y);
    // Every message block the view holds now.
    Q_INVOKABLE void selectAll();
    Q_INVOKABLE void clear();
    // The link under the point ("" for none): a click on it opens it.
    Q_INVOKABLE QString linkAt(qreal x, qreal y) const;
    // The selection as copy() puts it on the clipboard.
    Q_INVOKABLE QString selectedText() const;
    // false when nothing is selected.
    Q_INVOKABLE bool copy() const;

signals:
    void containerChanged();
    void selectionChanged();

private:
    struct Point {
        QPointer<QQuickItem> item;
        int position = 0;
    };
    QList<QQuickItem *> textItems() const;
    QQuickItem * itemAt(const QList<QQuickItem *> & items, QPointF p) const;
    Point locate(const QList<QQuickItem *> & items, QPointF p) const;
    int positionIn(QQuickItem * item, QPointF p) const;
    void apply();
    void setSelected(QList<QPointer<QQuickItem>> items);

    QPointer<QQuickItem> m_container;
    Point m_anchor;
    Point m_focus;
    QList<QPointer<QQuickItem>> m_selected;  // in screen order
};

}  // namespace Hearth
