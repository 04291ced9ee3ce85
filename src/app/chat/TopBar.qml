import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.Components
import Hearth.Models
import Hearth.Chat

// Title, the model picker with its load progress, and the settings button.
Rectangle {
    id: bar
    property var chat
    property var library  // ModelLibraryModel: the picker's list
    signal openModel()
    signal manageModels()
    signal openSettings()
    signal browseModels()
    signal openServer()
    signal openTools()
    // format "md" or "json"; allBranches for Markdown
    signal exportCurrent(string format, bool allBranches)
    signal exportAll(string format)
    signal importConversations()

    implicitHeight: 58
    color: Theme.background

    RowLayout {
        anchors.fill: parent
        anchors.leftMargin: 22
        anchors.rightMargin: 14
        spacing: 8

        Text {
            Layout.fillWidth: true
            text: bar.chat.currentTitle
            color: Theme.text
            elide: Text.ElideRight
            font.pixelSize: 16
            font.weight: Font.DemiBold
            font.family: Theme.fontFamily
        }

        AbstractButton {
            id: picker
            objectName: "modelPicker"
            implicitHeight: 36
            implicitWidth: Math.min(pickerRow.implicitWidth + 26, 380)
            hoverEnabled: true
            onClicked: modelPicker.open()
            background: Rectangle {
                radius: 18
                color: picker.hovered ? Theme.surfaceAlt : Theme.surface
                border.color: Theme.border
            }
            contentItem: Row {
                id: pickerRow
                spacing: 8
                leftPadding: 4
                Rectangle {
                    anchors.verticalCenter: parent.verticalCenter
                    width: 8; height: 8; radius: 4
                    color: bar.chat.modelState === ChatController.Ready ? Theme.success
                         : bar.chat.modelState === ChatController.Loading ? Theme.accent
                         : bar.chat.modelState === ChatController.Error ? Theme.danger : Theme.faintText
                }
                Text {
                    anchors.verticalCenter: parent.verticalCenter
                    width: Math.min(implicitWidth, 280)
                    elide: Text.ElideMiddle
                    text: bar.chat.modelState === ChatController.NoModel ? "Choose a model"
                        : bar.chat.modelState === ChatController.Loading ? "Loading " + bar.chat.modelName + "…  "
                              + Math.round(bar.chat.loadProgress * 100) + "%"
                        : bar.chat.modelState === ChatController.Error ? "Could not load " + bar.chat.modelName
                        : bar.chat.modelName
                    color: Theme.text
                    font.pixelSize: Theme.fontSize - 1
                    font.family: Theme.fontFamily
                }
                Text {
                    anchors.verticalCenter: parent.verticalCenter
                    visible: bar.chat.modelState === ChatController.Ready && bar.chat.modelDescription !== ""
                    text: bar.chat.modelDescription.split(" ").slice(-1)[0]
                    color: Theme.mutedText
                    font.pixelSize: 11
                    font.family: Theme.monoFamily
                }
                Text {
                    anchors.verticalCenter: parent.verticalCenter
                    text: "▾"
                    color: Theme.mutedText
                    font.pixelSize: 12
                }
            }
            ToolTip.visible: hovered && bar.chat.gpuNotice !== ""
            ToolTip.text: bar.chat.modelDescription + (bar.chat.gpuNotice ? "\n" + bar.chat.gpuNotice : "")
            ToolTip.delay: 600
        }

        FlatButton {
            id: moreButton
            objectName: "chatMenuButton"
            text: "Export ▾"
            fontSize: Theme.fontSize - 1
            onClicked: chatMenu.popup(moreButton, moreButton.width - chatMenu.width, moreButton.height + 4)
        }
        FlatButton {
            objectName: "settingsButton"
            text: "Settings"
            fontSize: Theme.fontSize - 1
            onClicked: bar.openSettings()
        }
    }

    // Export and import: this conversation, or all of them.
    AppMenu {
        id: chatMenu
        objectName: "chatMenu"
        width: 290
        readonly property bool hasChat: bar.chat.currentConversationId > 0
        AppMenuItem {
            text: "Export as Markdown…"
            enabled: chatMenu.hasChat
            onTriggered: bar.exportCurrent("md", false)
        }
        AppMenuItem {
            text: "Export as Markdown, all branches…"
            enabled: chatMenu.hasChat
            onTriggered: bar.exportCurrent("md", true)
        }
        AppMenuItem {
            text: "Export as JSON…"
            enabled: chatMenu.hasChat
            onTriggered: bar.exportCurrent("json", false)
        }
        AppMenuSeparator {}
        AppMenuItem { text: "Export all chats as JSON…"; onTriggered: bar.exportAll("json") }
        AppMenuItem { text: "Export all chats as Markdown…"; onTriggered: bar.exportAll("md") }
        AppMenuSeparator {}
        AppMenuItem { text: "Import chats from JSON…"; onTriggered: bar.importConversations() }
    }

    ModelPicker {
        id: modelPicker
        parent: picker
        x: Math.min(0, picker.width - width)
        y: picker.height + 4
        chat: bar.chat
        library: bar.library
        onOpenModel: bar.openModel()
        onBrowseModels: bar.browseModels()
        onManageModels: bar.manageModels()
        onOpenServer: bar.openServer()
        onOpenTools: bar.openTools()
    }

    // Load progress: a thin accent line along the bottom edge.
    Rectangle {
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        height: 1
        color: Theme.border
    }
    ProgressBar {
        objectName: "loadProgress"
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        height: 3
        visible: bar.chat.modelState === ChatController.Loading
        value: bar.chat.loadProgress
        background: Rectangle { color: "transparent" }
        contentItem: Item {
            Rectangle {
                width: parent.width * bar.chat.loadProgress
                height: parent.height
                color: Theme.accent
                Behavior on width { NumberAnimation { duration: 120 } }
            }
        }
    }
}
