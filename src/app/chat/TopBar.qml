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
    property ChatModelController chatModel
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
                    color: bar.chatModel.modelState === ChatModelController.Ready ? Theme.success
                         : bar.chatModel.modelState === ChatModelController.Loading ? Theme.accent
                         : bar.chatModel.modelState === ChatModelController.Error ? Theme.danger : Theme.faintText
                }
                Text {
                    anchors.verticalCenter: parent.verticalCenter
                    width: Math.min(implicitWidth, 280)
                    elide: Text.ElideMiddle
                    text: bar.chatModel.modelState === ChatModelController.NoModel ? "Choose a model"
                        : bar.chatModel.modelState === ChatModelController.Loading ? "Loading " + bar.chatModel.modelName + "…  "
                              + Math.round(bar.chatModel.loadProgress * 100) + "%"
                        : bar.chatModel.modelState === ChatModelController.Error ? "Could not load " + bar.chatModel.modelName
                        : bar.chatModel.modelName
                    color: Theme.text
                    font.pixelSize: Theme.fontSize - 1
                    font.family: Theme.fontFamily
                }
                Text {
                    anchors.verticalCenter: parent.verticalCenter
                    visible: bar.chatModel.modelState === ChatModelController.Ready && bar.chatModel.modelDescription !== ""
                    text: bar.chatModel.modelDescription.split(" ").slice(-1)[0]
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
            ToolTip.visible: hovered && bar.chatModel.gpuNotice !== ""
            ToolTip.text: bar.chatModel.modelDescription + (bar.chatModel.gpuNotice ? "\n" + bar.chatModel.gpuNotice : "")
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
        chatModel: bar.chatModel
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
        visible: bar.chatModel.modelState === ChatModelController.Loading
        value: bar.chatModel.loadProgress
        background: Rectangle { color: "transparent" }
        contentItem: Item {
            Rectangle {
                width: parent.width * bar.chatModel.loadProgress
                height: parent.height
                color: Theme.accent
                Behavior on width { NumberAnimation { duration: 120 } }
            }
        }
    }
}
