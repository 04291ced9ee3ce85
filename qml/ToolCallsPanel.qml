import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// The tool calls of the reply that just ended (chat.agent, an AgentLoop):
// one card per call with its name and arguments, and while it waits, Allow
// once / Always allow in this chat / Deny (with an optional reason). Running
// calls show a spinner, their progress and Cancel; finished ones their result
// until the turn's results are stored. Several calls: Allow all / Deny all. The composer's Stop (and Esc) stops
// the whole turn: the chat counts as generating while the loop holds it.
Rectangle {
    id: panel
    objectName: "toolCallsPanel"
    required property ChatController chat
    readonly property var agent: chat.agent
    readonly property var calls: agent ? agent.calls : []
    visible: agent !== null && ((agent.active && agent.conversationId === chat.currentConversationId)
                                || agent.notice !== "")
    implicitHeight: visible ? column.implicitHeight + 24 : 0
    color: Theme.background

    ColumnLayout {
        id: column
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.top: parent.top
        anchors.topMargin: 12
        width: Math.min(parent.width - 48, Theme.contentWidth)
        spacing: 8

        // The step limit, or a stop.
        Rectangle {
            objectName: "toolNotice"
            visible: panel.agent && panel.agent.notice !== ""
            Layout.fillWidth: true
            implicitHeight: noticeRow.implicitHeight + 12
            radius: Theme.radiusSmall
            color: Theme.accentSoft
            RowLayout {
                id: noticeRow
                anchors.fill: parent
                anchors.leftMargin: 12
                anchors.rightMargin: 6
                Text {
                    Layout.fillWidth: true
                    text: panel.agent ? panel.agent.notice : ""
                    color: Theme.text
                    wrapMode: Text.WordWrap
                    font.pixelSize: Theme.smallFontSize
                    font.family: Theme.fontFamily
                }
                FlatButton { text: "Dismiss"; onClicked: panel.agent.clearNotice() }
            }
        }

        RowLayout {
            visible: panel.calls.length > 1 && panel.agent.awaitingApproval
            Layout.fillWidth: true
            Text {
                Layout.fillWidth: true
                text: panel.calls.length + " tool calls"
                color: Theme.mutedText
                font.pixelSize: Theme.smallFontSize
                font.family: Theme.fontFamily
            }
            FlatButton { objectName: "allowAllButton"; text: "Allow all"; accent: true; onClicked: panel.agent.allowAll() }
            FlatButton { objectName: "denyAllButton"; text: "Deny all"; onClicked: panel.agent.denyAll("") }
        }

        Repeater {
            model: panel.calls
            delegate: ToolCallCard {
                required property var modelData
                Layout.fillWidth: true
                call: modelData
                onAllowOnce: panel.agent.allowOnce(modelData.key)
                onAlwaysAllow: panel.agent.alwaysAllow(modelData.key)
                onDeny: (reason) => panel.agent.deny(modelData.key, reason)
                onCancel: panel.agent.cancel(modelData.key)
            }
        }

    }
}
