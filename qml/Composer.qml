import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// The message input: Enter sends, Shift+Enter adds a line; Stop while a reply streams.
Item {
    id: composer
    property var chat
    readonly property bool canSend: chat.modelState === ChatController.Ready && !chat.generating && input.text.trim() !== ""

    function focusInput() { input.forceActiveFocus() }
    function setText(t) { input.text = t; input.cursorPosition = t.length; input.forceActiveFocus() }
    function send() {
        if (!composer.canSend) return
        if (composer.chat.send(input.text)) input.clear()
    }

    implicitHeight: card.height + hint.height + 26

    Rectangle {
        id: card
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.top: parent.top
        anchors.topMargin: 6
        width: Math.min(parent.width - 48, Theme.contentWidth)
        height: Math.min(Math.max(input.implicitHeight, 24) + 28, 240)
        radius: 18
        color: Theme.surface
        border.color: input.activeFocus ? Qt.rgba(0.91, 0.45, 0.23, 0.55) : Theme.border
        border.width: input.activeFocus ? 1.5 : 1

        ScrollView {
            id: scroll
            anchors.left: parent.left
            anchors.right: sendButton.left
            anchors.top: parent.top
            anchors.bottom: parent.bottom
            anchors.leftMargin: 16
            anchors.rightMargin: 8
            anchors.topMargin: 14
            anchors.bottomMargin: 10

            TextArea {
                id: input
                objectName: "composerInput"
                placeholderText: composer.chat.modelState === ChatController.Ready ? "Message " + composer.chat.modelName + "…"
                                                                       : "Load a model to start chatting"
                placeholderTextColor: Theme.faintText
                color: Theme.text
                selectionColor: Theme.accent
                selectedTextColor: "white"
                font.pixelSize: Theme.fontSize + 1
                font.family: Theme.fontFamily
                wrapMode: TextArea.Wrap
                padding: 0
                background: null
                Keys.onPressed: (event) => {
                    if ((event.key === Qt.Key_Return || event.key === Qt.Key_Enter)
                            && !(event.modifiers & Qt.ShiftModifier)) {
                        composer.send()
                        event.accepted = true
                    }
                }
            }
        }

        AbstractButton {
            id: sendButton
            objectName: composer.chat.generating ? "stopButton" : "sendButton"
            anchors.right: parent.right
            anchors.bottom: parent.bottom
            anchors.margins: 9
            width: composer.chat.generating ? 74 : 36
            height: 36
            hoverEnabled: true
            enabled: composer.chat.generating || composer.canSend
            onClicked: composer.chat.generating ? composer.chat.stop() : composer.send()
            background: Rectangle {
                radius: 18
                color: composer.chat.generating ? (sendButton.hovered ? Theme.surfaceAlt : Theme.surface)
                     : sendButton.enabled ? (sendButton.hovered ? Theme.accentHover : Theme.accent)
                     : Theme.surfaceAlt
                border.color: composer.chat.generating ? Theme.border : "transparent"
            }
            contentItem: Item {
                Row {
                    anchors.centerIn: parent
                    spacing: 7
                    visible: composer.chat.generating
                    Rectangle {
                        anchors.verticalCenter: parent.verticalCenter
                        width: 10; height: 10; radius: 2
                        color: Theme.text
                    }
                    Text {
                        text: "Stop"
                        color: Theme.text
                        font.pixelSize: Theme.smallFontSize + 1
                        font.family: Theme.fontFamily
                    }
                }
                Text {
                    anchors.centerIn: parent
                    visible: !composer.chat.generating
                    text: "↑"
                    color: sendButton.enabled ? "white" : Theme.faintText
                    font.pixelSize: 19
                    font.bold: true
                    font.family: Theme.fontFamily
                }
            }
        }
    }

    Text {
        id: hint
        anchors.top: card.bottom
        anchors.topMargin: 7
        anchors.horizontalCenter: parent.horizontalCenter
        text: composer.chat.generating ? "Generating…  Esc stops" : "Enter to send  ·  Shift+Enter for a new line"
        color: Theme.faintText
        font.pixelSize: 11
        font.family: Theme.fontFamily
    }
}
