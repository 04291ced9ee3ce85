import QtQuick
import QtQuick.Controls
import Hearth.Components
import Hearth.Models
import Hearth.Chat

// The conversation: the active branch of messages, kept scrolled to the end while a reply streams.
ListView {
    id: view
    property var chat
    property ChatModelController chatModel
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
        chatModel: view.chatModel
    }

    // One selection across the messages (ChatSelection): a press on message
    // text anchors it, a drag extends it over the blocks and messages below
    // or above, Ctrl+C copies it. Presses elsewhere go through to the
    // buttons and the list; a click on a link opens it.
    ChatSelection {
        id: selection
        objectName: "chatSelection"
        container: view.contentItem
    }
    MouseArea {
        id: selectArea
        objectName: "selectionArea"
        parent: view
        anchors.fill: parent
        anchors.rightMargin: 14  // the scroll bar's
        z: 1
        preventStealing: true  // a drag selects; it does not flick the list
        property bool dragged: false
        readonly property int edge: 28  // a drag this near the top or bottom scrolls

        function contentPoint(x, y) { return mapToItem(view.contentItem, x, y) }
        onPressed: (mouse) => {
            const p = contentPoint(mouse.x, mouse.y)
            mouse.accepted = selection.press(p.x, p.y)
            dragged = false
            if (mouse.accepted) forceActiveFocus()
        }
        onPositionChanged: (mouse) => {
            const p = contentPoint(mouse.x, mouse.y)
            dragged = true
            selection.extend(p.x, p.y)
        }
        onReleased: (mouse) => {
            const p = contentPoint(mouse.x, mouse.y)
            const link = dragged || selection.hasSelection ? "" : selection.linkAt(p.x, p.y)
            if (link !== "") Qt.openUrlExternally(link)
        }
        onDoubleClicked: (mouse) => {
            const p = contentPoint(mouse.x, mouse.y)
            selection.selectWord(p.x, p.y)
        }
        Keys.onPressed: (event) => {
            if (event.matches(StandardKey.Copy)) { selection.copy(); event.accepted = true }
            else if (event.matches(StandardKey.SelectAll)) { selection.selectAll(); event.accepted = true }
        }
        Keys.onEscapePressed: selection.clear()

        Timer {
            interval: 30
            repeat: true
            running: selectArea.pressed && (selectArea.mouseY < selectArea.edge
                                             || selectArea.mouseY > selectArea.height - selectArea.edge)
            onTriggered: {
                view.stickToEnd = false
                const step = selectArea.mouseY < selectArea.edge ? -40 : 40
                view.contentY = Math.max(view.originY - view.topMargin,
                                         Math.min(view.contentY + step,
                                                  view.contentHeight + view.originY - view.height + view.bottomMargin))
                const p = selectArea.contentPoint(selectArea.mouseX, selectArea.mouseY)
                selection.extend(p.x, p.y)
            }
        }
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
