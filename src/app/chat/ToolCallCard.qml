import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.Components
import Hearth.Models
import Hearth.Chat

// One tool call (a map from AgentLoop::calls): its name, source and
// pretty-printed arguments; the approval buttons while it waits; a spinner,
// progress and Cancel while it runs; the result text and images when it is done.
Rectangle {
    id: card
    objectName: "toolCallCard"
    property var call: ({})
    signal allowOnce()
    signal alwaysAllow()
    signal deny(string reason)
    signal cancel()
    readonly property string state_: call.state || ""
    readonly property bool finished: ["done", "failed", "denied", "timeout", "cancelled", "not_run"].indexOf(state_) >= 0
    implicitHeight: content.implicitHeight + 24
    radius: Theme.radiusSmall
    color: Theme.surface
    border.color: state_ === "awaiting" ? Theme.accent : Theme.border

    ColumnLayout {
        id: content
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.top: parent.top
        anchors.margins: 12
        spacing: 8

        RowLayout {
            Layout.fillWidth: true
            spacing: 8
            Text {
                objectName: "toolSpinner"
                visible: card.state_ === "running"
                text: "\u25D0"
                color: Theme.accent
                font.pixelSize: 16
                RotationAnimation on rotation {
                    running: card.state_ === "running"
                    loops: Animation.Infinite
                    from: 0
                    to: 360
                    duration: 900
                }
            }
            Text {
                text: card.call.name || ""
                color: Theme.accent
                font.pixelSize: Theme.fontSize
                font.weight: Font.DemiBold
                font.family: Theme.monoFamily
            }
            Text {
                Layout.fillWidth: true
                text: card.call.source === "builtin" ? "built-in tool" : (card.call.source ? "MCP · " + card.call.source : "")
                color: Theme.faintText
                font.pixelSize: Theme.smallFontSize
                font.family: Theme.fontFamily
            }
            Text {
                objectName: "toolState"
                text: ({ awaiting: "Waiting for approval", running: "Running…", done: "Done", failed: "Failed",
                         denied: "Denied", timeout: "Timed out", cancelled: "Cancelled",
                         not_run: "Not run" })[card.state_] || ""
                color: card.call.isError ? Theme.danger : Theme.mutedText
                font.pixelSize: Theme.smallFontSize
                font.family: Theme.fontFamily
            }
        }

        Rectangle {
            Layout.fillWidth: true
            implicitHeight: argsText.implicitHeight + 16
            radius: 6
            color: Theme.codeBackground
            Text {
                id: argsText
                anchors.fill: parent
                anchors.margins: 8
                text: card.call.arguments || "{}"
                color: Theme.text
                wrapMode: Text.WrapAnywhere
                font.pixelSize: 12
                font.family: Theme.monoFamily
            }
        }

        // Progress the tool reports (MCP notifications/progress).
        ProgressBar {
            visible: card.state_ === "running" && card.call.total > 0
            Layout.fillWidth: true
            from: 0
            to: card.call.total > 0 ? card.call.total : 1
            value: card.call.progress || 0
        }
        Text {
            visible: card.state_ === "running" && (card.call.progressMessage || "") !== ""
            text: card.call.progressMessage || ""
            color: Theme.mutedText
            font.pixelSize: Theme.smallFontSize
            font.family: Theme.fontFamily
        }

        Text {
            objectName: "toolResult"
            visible: card.finished && (card.call.resultText || "") !== ""
            Layout.fillWidth: true
            text: card.call.resultText || ""
            color: card.call.isError ? Theme.danger : Theme.text
            wrapMode: Text.WrapAnywhere
            maximumLineCount: 12
            elide: Text.ElideRight
            font.pixelSize: 12
            font.family: Theme.monoFamily
        }

        // Image content, inline (AgentLoop gives them as data: URLs).
        Repeater {
            model: card.finished ? (card.call.images || []) : []
            delegate: Image {
                required property string modelData
                objectName: "callResultImage"
                source: modelData
                Layout.preferredWidth: Math.min(sourceSize.width * 4, content.width)
                Layout.preferredHeight: Layout.preferredWidth * sourceSize.height / Math.max(1, sourceSize.width)
                fillMode: Image.PreserveAspectFit
                smooth: false
            }
        }

        Text {
            visible: card.state_ === "awaiting" && card.call.confirmEveryTime === true
            text: "This tool asks every time."
            color: Theme.mutedText
            font.pixelSize: Theme.smallFontSize
            font.family: Theme.fontFamily
        }

        RowLayout {
            visible: card.state_ === "awaiting"
            Layout.fillWidth: true
            spacing: 8
            FlatButton { objectName: "allowOnceButton"; text: "Allow once"; accent: true; onClicked: card.allowOnce() }
            FlatButton {
                objectName: "alwaysAllowButton"
                visible: card.call.confirmEveryTime !== true
                text: "Always allow in this chat"
                outlined: true
                onClicked: card.alwaysAllow()
            }
            TextField {
                id: reason
                objectName: "denyReason"
                Layout.fillWidth: true
                placeholderText: "Reason (optional, sent to the model)"
                font.pixelSize: Theme.smallFontSize
            }
            FlatButton { objectName: "denyButton"; text: "Deny"; onClicked: card.deny(reason.text) }
        }

        RowLayout {
            visible: card.state_ === "running"
            Layout.fillWidth: true
            Item { Layout.fillWidth: true }
            FlatButton { objectName: "cancelCallButton"; text: "Cancel"; outlined: true; onClicked: card.cancel() }
        }
    }
}
