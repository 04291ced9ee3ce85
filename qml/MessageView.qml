import QtQuick
import QtQuick.Controls
import Hearth

// The conversation: the active branch of messages, kept scrolled to the end while a reply streams.
ListView {
    id: view
    property var chat
    property bool stickToEnd: true

    objectName: "messageView"
    clip: true
    spacing: 6
    model: chat.messages
    boundsBehavior: Flickable.StopAtBounds
    topMargin: 18
    bottomMargin: 18
    cacheBuffer: 2000
    ScrollBar.vertical: ScrollBar { policy: ScrollBar.AsNeeded }

    delegate: MessageDelegate {
        width: view.width
        chat: view.chat
    }

    // Keyboard scrolling (PageUp/PageDown, Ctrl+Home/Ctrl+End): from anywhere
    // in the window; the composer forwards the keys it would otherwise take.
    function scrollPages(pages) {
        const target = contentY + pages * height * 0.9
        // Delegates above get their real heights as they appear, so the end
        // moves: a page that reaches it snaps to the end and follows it again.
        if (target >= contentHeight + originY - height) { scrollToEnd(); return }
        stickToEnd = false
        contentY = Math.max(originY - topMargin, target)
    }
    // The whole branch first; then the top again once the new delegates have their heights.
    // The older messages come from the store thread: the top again when they are in.
    property bool startPending: false
    function scrollToStart() {
        stickToEnd = false
        startPending = model.fetchAllOlder()
        positionViewAtBeginning()
        Qt.callLater(positionViewAtBeginning)
    }
    function scrollToEnd() { stickToEnd = true; positionViewAtEnd() }
    function showRow(row) {
        stickToEnd = false
        positionViewAtIndex(row, ListView.Contain)
    }
    function scrollKey(key) {
        if (key === Qt.Key_PageUp) scrollPages(-1)
        else if (key === Qt.Key_PageDown) scrollPages(1)
        else if (key === Qt.Key_Home) scrollToStart()
        else if (key === Qt.Key_End) scrollToEnd()
    }
    Shortcut { sequence: StandardKey.MoveToPreviousPage; onActivated: view.scrollPages(-1) }
    Shortcut { sequence: StandardKey.MoveToNextPage; onActivated: view.scrollPages(1) }
    Shortcut { sequence: StandardKey.MoveToStartOfDocument; onActivated: view.scrollToStart() }
    Shortcut { sequence: StandardKey.MoveToEndOfDocument; onActivated: view.scrollToEnd() }

    onMovementEnded: stickToEnd = atYEnd
    onContentHeightChanged: if (stickToEnd) Qt.callLater(positionViewAtEnd)
    // Long chats load their newest page; scrolling to the top loads the one above.
    onAtYBeginningChanged: if (atYBeginning && !stickToEnd && model.hasOlder) Qt.callLater(model.fetchOlder)

    Connections {
        target: view.model
        // A new message at the end follows the conversation; an older page
        // above keeps the message that was at the top in place.
        function onRowsInserted(parent, first, last) {
            if (first > 0) { view.stickToEnd = true; Qt.callLater(view.positionViewAtEnd) }
            else if (view.startPending) {
                view.startPending = false
                view.positionViewAtBeginning()
                Qt.callLater(view.positionViewAtBeginning)
            }
            else if (last + 1 < view.count) view.positionViewAtIndex(last + 1, ListView.Beginning)
        }
        function onModelReset() { view.stickToEnd = true; Qt.callLater(view.positionViewAtEnd) }
    }

    Connections {
        target: view.chat
        // A search hit: the whole message in view (its top when it is taller
        // than the view), after the pending jump to the end of a newly opened chat.
        function onScrollToMessage(row) {
            view.stickToEnd = false
            view.positionViewAtIndex(row, ListView.Contain)
            Qt.callLater(view.showRow, row)
        }
        function onCurrentConversationChanged() { view.stickToEnd = true; Qt.callLater(view.positionViewAtEnd) }
    }
}
