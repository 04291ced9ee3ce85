import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.Components
import Hearth.Models
import Hearth.Chat

// The message input: Enter sends, Shift+Enter adds a line; Stop while a reply streams.
Item {
    id: composer
    property var chat
    property ChatModelController chatModel
    property AgentController agentController
    // PageUp/PageDown, and Ctrl+Home/Ctrl+End while the input is empty, scroll the conversation.
    signal scrollKey(int key)
    signal openToolsPage()
    readonly property bool canSend: chatModel.modelState === ChatModelController.Ready && !chat.generating && input.text.trim() !== ""

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
                placeholderText: composer.chatModel.modelState === ChatModelController.Ready ? "Message " + composer.chatModel.modelName + "…"
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
                    } else if (event.key === Qt.Key_PageUp || event.key === Qt.Key_PageDown
                               || ((event.key === Qt.Key_Home || event.key === Qt.Key_End)
                                   && (event.modifiers & Qt.ControlModifier) && input.text === "")) {
                        composer.scrollKey(event.key)
                        event.accepted = true
                    }
                }
                // Tab moves the focus on (Ctrl+Tab still types nothing: a chat needs no tab characters).
                Keys.onTabPressed: (event) => { input.nextItemInFocusChain(true).forceActiveFocus(Qt.TabFocusReason); event.accepted = true }
                Keys.onBacktabPressed: (event) => { input.nextItemInFocusChain(false).forceActiveFocus(Qt.BacktabFocusReason); event.accepted = true }
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
                FocusRing { target: sendButton; radius: 21 }
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

    // The chat's tools: how many the model sees, and the picker.
    FlatButton {
        id: toolsButton
        objectName: "toolsButton"
        readonly property var tools: composer.agentController ? composer.agentController.chatTools : null
        visible: tools !== null
        anchors.left: card.left
        anchors.leftMargin: 6
        anchors.verticalCenter: hint.verticalCenter
        implicitHeight: 24
        fontSize: 11
        text: !tools || tools.count === 0 ? "Tools" : "Tools · " + tools.enabledCount + " of " + tools.count
        onClicked: toolPicker.open()
    }
    ToolPicker {
        id: toolPicker
        tools: composer.agentController ? composer.agentController.chatTools : null
        x: card.x
        y: card.y + card.height - height
        onOpenToolsPage: composer.openToolsPage()
    }

    // Centred in the room the tools button and the context meter leave; a nearly full context's warning replaces it.
    Text {
        id: hint
        objectName: "composerHint"
        readonly property real leftEdge: toolsButton.visible ? toolsButton.x + toolsButton.width + 12 : card.x
        anchors.top: card.bottom
        anchors.topMargin: 7
        x: leftEdge + Math.max(0, ((meter.visible ? meter.x - 12 : card.x + card.width) - leftEdge - width) / 2)
        width: Math.min(implicitWidth, (meter.visible ? meter.x - 12 : card.x + card.width) - leftEdge)
        elide: Text.ElideRight
        text: composer.chat.generating ? "Generating…  Esc stops"
            : composer.chat.context.warning !== "" ? composer.chat.context.warning
            : "Enter to send  ·  Shift+Enter for a new line"
        color: !composer.chat.generating && composer.chat.context.warning !== "" ? Theme.danger : Theme.faintText
        font.pixelSize: 11
        font.family: Theme.fontFamily
    }

    // The context meter: tokens used / context size, warning when nearly full.
    Row {
        id: meter
        objectName: "contextMeter"
        readonly property var ctx: composer.chat.context
        visible: ctx.text !== ""
        anchors.verticalCenter: hint.verticalCenter
        anchors.right: card.right
        anchors.rightMargin: 6
        spacing: 6
        ToolTip.visible: meterHover.hovered && ctx.warning !== ""
        ToolTip.text: ctx.warning
        HoverHandler { id: meterHover }
        Rectangle {
            anchors.verticalCenter: parent.verticalCenter
            width: 54; height: 5; radius: 2.5
            color: Theme.surfaceAlt
            border.color: Theme.border
            Rectangle {
                width: Math.max(parent.height, parent.width * meter.ctx.fraction)
                height: parent.height
                radius: parent.radius
                color: meter.ctx.nearlyFull ? Theme.danger : Theme.accent
                opacity: meter.ctx.used > 0 ? 1 : 0
            }
        }
        Text {
            objectName: "contextMeterText"
            text: meter.ctx.text
            color: meter.ctx.nearlyFull ? Theme.danger : Theme.faintText
            font.pixelSize: 11
            font.family: Theme.fontFamily
        }
    }
}
