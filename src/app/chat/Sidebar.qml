import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.Components
import Hearth.Models
import Hearth.Chat

// The left column: brand, new chat, search, and the conversation list (or search hits).
Rectangle {
    id: sidebar
    property var chat
    property ConversationsController conversations
    signal exportRequested(var conversationId, string title, string format, bool allBranches)

    // Collapsed: a narrow strip with the button that opens it again (Ctrl+B toggles).
    property bool collapsed: false
    readonly property int expandedWidth: 272
    readonly property int collapsedWidth: 48

    function focusSearch() { collapsed = false; searchField.forceActiveFocus(); searchField.selectAll() }

    color: Theme.sidebar

    Shortcut { sequence: "Ctrl+B"; onActivated: sidebar.collapsed = !sidebar.collapsed }

    FlatButton {
        id: collapseButton
        objectName: "sidebarToggle"
        anchors.top: parent.top
        anchors.right: parent.right
        anchors.topMargin: 16
        anchors.rightMargin: sidebar.collapsed ? 9 : 10
        implicitWidth: 30
        text: sidebar.collapsed ? "»" : "«"
        fontSize: 16
        z: 1
        onClicked: sidebar.collapsed = !sidebar.collapsed
        ToolTip.visible: hovered
        ToolTip.delay: 600
        ToolTip.text: (sidebar.collapsed ? "Show" : "Hide") + " the sidebar (Ctrl+B)"
    }

    ColumnLayout {
        visible: !sidebar.collapsed
        anchors.fill: parent
        anchors.margins: 14
        spacing: 10

        RowLayout {
            Layout.fillWidth: true
            Layout.topMargin: 4
            Layout.bottomMargin: 6
            spacing: 10
            Rectangle {
                width: 30; height: 30; radius: 9
                gradient: Gradient {
                    GradientStop { position: 0; color: "#f0935f" }
                    GradientStop { position: 1; color: Theme.accent }
                }
                Text {
                    anchors.centerIn: parent
                    text: "H"
                    color: "white"
                    font.pixelSize: 16
                    font.bold: true
                    font.family: Theme.fontFamily
                }
            }
            Text {
                text: "Hearth"
                color: Theme.text
                font.pixelSize: 18
                font.weight: Font.DemiBold
                font.family: Theme.fontFamily
                Layout.fillWidth: true
                Layout.rightMargin: collapseButton.width
            }
        }

        FlatButton {
            id: newChatButton
            objectName: "newChatButton"
            Layout.fillWidth: true
            implicitHeight: 38
            outlined: true
            text: "+  New chat"
            textColor: Theme.text
            fontSize: Theme.fontSize
            onClicked: sidebar.chat.newChat()
            background: Rectangle {
                radius: Theme.radiusSmall
                color: newChatButton.hovered ? Theme.surface : Theme.surfaceAlt
                border.color: Theme.border
            }
            Text {
                anchors.right: parent.right
                anchors.rightMargin: 10
                anchors.verticalCenter: parent.verticalCenter
                text: "Ctrl+N"
                color: Theme.faintText
                font.pixelSize: 11
                font.family: Theme.fontFamily
            }
        }

        TextField {
            id: searchField
            objectName: "searchField"
            Layout.fillWidth: true
            implicitHeight: 36
            placeholderText: "Search chats  (Ctrl+F)"
            placeholderTextColor: Theme.faintText
            color: Theme.text
            font.pixelSize: Theme.fontSize - 1
            font.family: Theme.fontFamily
            leftPadding: 12
            background: Rectangle {
                radius: Theme.radiusSmall
                color: Theme.dark ? "#1a1b20" : "#ffffff"
                border.color: searchField.activeFocus ? Theme.accent : Theme.border
            }
            onTextChanged: sidebar.conversations.search(text)
            Keys.onEscapePressed: { text = ""; focus = false }
        }

        // Search results get one heading; the list heads its own sections (Pinned, Chats).
        Text {
            Layout.topMargin: 6
            visible: searchField.text !== "" || conversationList.count === 0
            text: searchField.text !== "" ? "Results" : "Chats"
            color: Theme.faintText
            font.pixelSize: 11
            font.weight: Font.DemiBold
            font.letterSpacing: 0.6
            font.capitalization: Font.AllUppercase
            font.family: Theme.fontFamily
        }

        ListView {
            id: conversationList
            objectName: "conversationList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            spacing: 2
            visible: searchField.text === ""
            model: sidebar.conversations.list
            boundsBehavior: Flickable.StopAtBounds
            ScrollBar.vertical: ScrollBar { policy: ScrollBar.AsNeeded }
            section.property: "pinned"
            section.delegate: Text {
                required property string section
                width: conversationList.width
                height: 30
                topPadding: 10
                text: section === "true" ? "Pinned" : "Chats"
                color: Theme.faintText
                font.pixelSize: 11
                font.weight: Font.DemiBold
                font.letterSpacing: 0.6
                font.capitalization: Font.AllUppercase
                font.family: Theme.fontFamily
            }
            delegate: ConversationDelegate {
                width: conversationList.width
                chat: sidebar.chat
                conversations: sidebar.conversations
                onExportRequested: (id, title, format, allBranches) => sidebar.exportRequested(id, title, format, allBranches)
            }
            Text {
                anchors.centerIn: parent
                width: parent.width - 20
                visible: conversationList.count === 0
                text: "Your conversations will appear here."
                color: Theme.faintText
                wrapMode: Text.Wrap
                horizontalAlignment: Text.AlignHCenter
                font.pixelSize: Theme.smallFontSize
                font.family: Theme.fontFamily
            }
        }

        ListView {
            id: resultList
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            spacing: 4
            visible: searchField.text !== ""
            model: sidebar.conversations.searchResults
            delegate: Rectangle {
                id: hit
                required property var conversationId
                required property var messageId
                required property string title
                required property string snippet
                width: resultList.width
                height: resultColumn.implicitHeight + 16
                radius: Theme.radiusSmall
                color: resultMouse.containsMouse ? Theme.sidebarHover : "transparent"
                Column {
                    id: resultColumn
                    anchors.left: parent.left
                    anchors.right: parent.right
                    anchors.verticalCenter: parent.verticalCenter
                    anchors.margins: 10
                    spacing: 3
                    Text {
                        width: parent.width
                        text: hit.title
                        color: Theme.text
                        elide: Text.ElideRight
                        font.pixelSize: Theme.fontSize - 1
                        font.family: Theme.fontFamily
                    }
                    Text {
                        width: parent.width
                        // The store marks matches with [ and ]; show them in the accent colour.
                        // Markdown fences and bold marks read as noise in a one-line excerpt.
                        text: hit.snippet.replace(/```\w*/g, " ").replace(/\*\*/g, "")
                              .replace(/&/g, "&amp;").replace(/</g, "&lt;")
                              .replace(/\[/g, "<b><font color='" + Theme.accent + "'>").replace(/\]/g, "</font></b>")
                        textFormat: Text.StyledText
                        color: Theme.mutedText
                        wrapMode: Text.Wrap
                        maximumLineCount: 2
                        elide: Text.ElideRight
                        font.pixelSize: Theme.smallFontSize
                        font.family: Theme.fontFamily
                    }
                }
                MouseArea {
                    id: resultMouse
                    anchors.fill: parent
                    hoverEnabled: true
                    cursorShape: Qt.PointingHandCursor
                    onClicked: sidebar.conversations.openSearchResult(hit.conversationId, hit.messageId)
                }
            }
            Text {
                anchors.centerIn: parent
                visible: resultList.count === 0
                text: "No messages match."
                color: Theme.faintText
                font.pixelSize: Theme.smallFontSize
                font.family: Theme.fontFamily
            }
        }
    }
}
