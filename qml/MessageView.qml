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

    onMovementEnded: stickToEnd = atYEnd
    onCountChanged: { stickToEnd = true; Qt.callLater(positionViewAtEnd) }
    onContentHeightChanged: if (stickToEnd) Qt.callLater(positionViewAtEnd)

    Connections {
        target: view.chat
        function onScrollToMessage(row) { view.stickToEnd = false; view.positionViewAtIndex(row, ListView.Center) }
        function onCurrentConversationChanged() { view.stickToEnd = true; Qt.callLater(view.positionViewAtEnd) }
    }
}
