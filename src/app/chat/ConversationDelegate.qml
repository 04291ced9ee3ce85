import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.Components
import Hearth.Models
import Hearth.Chat

// One conversation in the sidebar: title and age; a menu to rename, pin, export, delete.
Rectangle {
    id: item
    property var chat
    property ConversationsController conversations
    required property var conversationId
    required property string title
    required property bool pinned
    required property var updatedAt
    required property string ageText
    required property bool imported
    signal exportRequested(var conversationId, string title, string format, bool allBranches)

    readonly property bool selected: chat.currentConversationId === conversationId
    property bool renaming: false


    height: 40
    radius: Theme.radiusSmall
    color: selected ? Theme.sidebarSelected : mouse.containsMouse ? Theme.sidebarHover : "transparent"

    MouseArea {
        id: mouse
        anchors.fill: parent
        hoverEnabled: true
        acceptedButtons: Qt.LeftButton | Qt.RightButton
        onClicked: (e) => {
            if (e.button === Qt.RightButton) menu.popup(item, e.x, e.y)
            else item.chat.currentConversationId = item.conversationId
        }
        onDoubleClicked: item.renaming = true
    }

    RowLayout {
        anchors.fill: parent
        anchors.leftMargin: 10
        anchors.rightMargin: 4
        spacing: 6

        Rectangle {
            visible: item.pinned
            width: 6; height: 6; radius: 3
            color: Theme.accent
        }
        Text {
            visible: !item.renaming
            Layout.fillWidth: true
            text: item.title
            color: item.selected ? Theme.text : (Theme.dark ? "#cfd0d6" : "#3a3631")
            elide: Text.ElideRight
            font.pixelSize: Theme.fontSize - 1
            font.weight: item.selected ? Font.Medium : Font.Normal
            font.family: Theme.fontFamily
        }
        TextField {
            id: renameField
            visible: item.renaming
            Layout.fillWidth: true
            text: item.title
            color: Theme.text
            font.pixelSize: Theme.fontSize - 1
            background: Rectangle { radius: 6; color: Theme.surface; border.color: Theme.accent }
            onVisibleChanged: if (visible) { forceActiveFocus(); selectAll() }
            onAccepted: { item.conversations.rename(item.conversationId, text); item.renaming = false }
            onActiveFocusChanged: if (!activeFocus) item.renaming = false
            Keys.onEscapePressed: item.renaming = false
        }
        // A chat that came from an import.
        Rectangle {
            objectName: "importedMarker"
            visible: item.imported && !item.renaming
            implicitWidth: importedLabel.implicitWidth + 10
            implicitHeight: importedLabel.implicitHeight + 4
            radius: 4
            color: "transparent"
            border.color: Theme.border
            Text {
                id: importedLabel
                anchors.centerIn: parent
                text: "imported"
                color: Theme.mutedText
                font.pixelSize: 10
                font.family: Theme.fontFamily
            }
            HoverHandler { id: importedHover }
            ToolTip.visible: importedHover.hovered
            ToolTip.delay: 500
            ToolTip.text: "Imported from a Hearth JSON export"
        }
        Text {
            visible: !item.renaming && !mouse.containsMouse && !menuButton.hovered && !menu.visible
            text: item.ageText
            color: Theme.faintText
            font.pixelSize: 11
            font.family: Theme.fontFamily
        }
        FlatButton {
            id: menuButton
            visible: !item.renaming && (mouse.containsMouse || hovered || menu.visible)
            implicitWidth: 28
            implicitHeight: 26
            text: "•••"
            fontSize: 10
            onClicked: menu.popup(menuButton, 0, menuButton.height + 2)
        }
    }

    AppMenu {
        id: menu
        objectName: "conversationMenu"
        width: 280
        AppMenuItem { text: "Rename"; onTriggered: item.renaming = true }
        AppMenuItem { text: item.pinned ? "Unpin" : "Pin to top"; onTriggered: item.conversations.togglePinned(item.conversationId) }
        AppMenuSeparator {}
        AppMenuItem { text: "Export as Markdown…"; onTriggered: item.exportRequested(item.conversationId, item.title, "md", false) }
        AppMenuItem {
            text: "Export as Markdown, all branches…"
            onTriggered: item.exportRequested(item.conversationId, item.title, "md", true)
        }
        AppMenuItem { text: "Export as JSON…"; onTriggered: item.exportRequested(item.conversationId, item.title, "json", false) }
        AppMenuSeparator {}
        AppMenuItem { text: "Delete"; danger: true; onTriggered: item.conversations.deleteConversation(item.conversationId) }
    }
}
