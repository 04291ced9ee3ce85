import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.Components
import Hearth.Models
import Hearth.Chat

// The tool calls of the reply that just ended (agentController.loop, an AgentLoop):
// one card per call with its name and arguments, and while it waits, Allow
// once / Always allow in this chat / Deny (with an optional reason). Running
// calls show a spinner, their progress and Cancel; finished ones their result
// until the turn's results are stored. Several calls: Allow all / Deny all. The composer's Stop (and Esc) stops
// the whole turn: the chat counts as generating while the loop holds it.
// The cards scroll past `maxCardsHeight` (many parallel calls), so the panel
// never covers the conversation.
Rectangle {
    id: panel
    objectName: "toolCallsPanel"
    required property ChatController chat
    required property ChatModelController chatModel
    required property AgentController agentController
    readonly property var agent: agentController.loop
    readonly property var calls: agent ? agent.calls : []
    visible: agent !== null && ((agent.active && agent.conversationId === chat.currentConversationId)
                                || agent.notice !== "" || agentController.toolTurnWaiting)
    // At most 40% of the chat column (the panel's parent), and never under two rows of buttons.
    readonly property real maxCardsHeight: Math.max(160, (parent ? parent.height : 800) * 0.4)
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

        // This chat's tool results came in while it was not open (or the engine was busy).
        Rectangle {
            objectName: "toolTurnWaiting"
            visible: panel.agentController.toolTurnWaiting
            Layout.fillWidth: true
            implicitHeight: waitingRow.implicitHeight + 12
            radius: Theme.radiusSmall
            color: Theme.accentSoft
            RowLayout {
                id: waitingRow
                anchors.fill: parent
                anchors.leftMargin: 12
                anchors.rightMargin: 6
                Text {
                    Layout.fillWidth: true
                    text: "The tool results are in; the answer is not written yet."
                    color: Theme.text
                    wrapMode: Text.WordWrap
                    font.pixelSize: Theme.smallFontSize
                    font.family: Theme.fontFamily
                }
                FlatButton {
                    objectName: "continueToolsButton"
                    text: "Continue"
                    accent: enabled  // a disabled accent button would still look pressable
                    outlined: !enabled
                    enabled: !panel.chat.generating && panel.chatModel.modelState === ChatModelController.Ready
                    onClicked: panel.agentController.continueToolTurn()
                }
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

        Flickable {
            id: cardsView
            objectName: "toolCardsView"
            Layout.fillWidth: true
            Layout.preferredHeight: Math.min(cards.implicitHeight, panel.maxCardsHeight)
            contentWidth: width
            contentHeight: cards.implicitHeight
            clip: contentHeight > height
            boundsBehavior: Flickable.StopAtBounds
            ScrollBar.vertical: ScrollBar {
                policy: cardsView.contentHeight > cardsView.height ? ScrollBar.AlwaysOn : ScrollBar.AlwaysOff
            }
            ColumnLayout {
                id: cards
                width: cardsView.width - (cardsView.contentHeight > cardsView.height ? 12 : 0)
                spacing: 8
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

    }
}
