import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.Components
import Hearth.Models
import Hearth.Chat

// The open chat's tool picker (agentController.chatTools, a ChatToolsModel): every tool
// the app offers now (enabled built-ins, running MCP servers' tools) with a
// checkbox for whether the model sees it in this chat, and its source. A
// tool that runs without asking here says so, with "Ask again". "Use for new
// chats" makes this chat's choice the default; "Tools page" opens the settings.
Popup {
    id: picker
    objectName: "toolPicker"
    property var tools: null
    signal openToolsPage()
    width: 400
    padding: 0
    focus: true
    closePolicy: Popup.CloseOnEscape | Popup.CloseOnPressOutside
    background: Rectangle {
        radius: Theme.radius
        color: Theme.surface
        border.color: Theme.border
    }

    contentItem: ColumnLayout {
        spacing: 0

        Text {
            Layout.fillWidth: true
            Layout.margins: 14
            Layout.bottomMargin: 6
            text: "Tools in this chat"
            color: Theme.text
            font.pixelSize: Theme.fontSize
            font.weight: Font.DemiBold
            font.family: Theme.fontFamily
        }
        Text {
            visible: picker.tools !== null && picker.tools.count === 0
            Layout.fillWidth: true
            Layout.leftMargin: 14
            Layout.rightMargin: 14
            text: "No tools yet: turn on built-in tools or add MCP servers on the Tools page."
            wrapMode: Text.WordWrap
            color: Theme.mutedText
            font.pixelSize: Theme.smallFontSize
            font.family: Theme.fontFamily
        }

        ListView {
            id: list
            objectName: "toolPickerList"
            Layout.fillWidth: true
            Layout.preferredHeight: Math.min(contentHeight, 320)
            clip: true
            model: picker.tools
            boundsBehavior: Flickable.StopAtBounds
            ScrollBar.vertical: ScrollBar {
                policy: list.contentHeight > list.height ? ScrollBar.AlwaysOn : ScrollBar.AsNeeded
            }
            delegate: Item {
                id: row
                required property int index
                required property string name
                required property string description
                required property string source
                required property bool toolEnabled
                required property bool alwaysAllowed
                width: ListView.view.width
                height: rowLayout.implicitHeight + 10

                RowLayout {
                    id: rowLayout
                    anchors.left: parent.left
                    anchors.right: parent.right
                    anchors.verticalCenter: parent.verticalCenter
                    anchors.leftMargin: 6
                    anchors.rightMargin: 14
                    spacing: 4
                    CheckBox {
                        objectName: "toolCheck_" + row.name
                        Layout.alignment: Qt.AlignTop
                        checked: row.toolEnabled
                        onToggled: picker.tools.setEnabled(row.index, checked)
                    }
                    ColumnLayout {
                        Layout.fillWidth: true
                        spacing: 2
                        RowLayout {
                            Layout.fillWidth: true
                            spacing: 8
                            Text {
                                text: row.name
                                color: row.toolEnabled ? Theme.text : Theme.mutedText
                                font.pixelSize: Theme.smallFontSize + 1
                                font.family: Theme.monoFamily
                            }
                            Text {
                                Layout.fillWidth: true
                                text: row.source
                                elide: Text.ElideRight
                                color: Theme.faintText
                                font.pixelSize: 11
                                font.family: Theme.fontFamily
                            }
                        }
                        Text {
                            Layout.fillWidth: true
                            visible: text !== ""
                            text: row.description
                            elide: Text.ElideRight
                            color: Theme.mutedText
                            font.pixelSize: 11
                            font.family: Theme.fontFamily
                        }
                        RowLayout {
                            visible: row.alwaysAllowed
                            spacing: 6
                            Text {
                                text: "Runs without asking in this chat"
                                color: Theme.success
                                font.pixelSize: 11
                                font.family: Theme.fontFamily
                            }
                            FlatButton {
                                objectName: "askAgainButton"
                                implicitHeight: 22
                                fontSize: 11
                                text: "Ask again"
                                onClicked: picker.tools.askAgain(row.index)
                            }
                        }
                    }
                }
            }
        }

        Rectangle { Layout.fillWidth: true; Layout.topMargin: 4; implicitHeight: 1; color: Theme.border }
        RowLayout {
            Layout.fillWidth: true
            Layout.margins: 6
            FlatButton {
                text: "Tools page…"
                onClicked: { picker.close(); picker.openToolsPage() }
            }
            Item { Layout.fillWidth: true }
            FlatButton {
                objectName: "useForNewChatsButton"
                visible: picker.tools !== null && picker.tools.count > 0
                text: "Use for new chats"
                onClicked: picker.tools.useForNewChats()
            }
        }
    }
}
