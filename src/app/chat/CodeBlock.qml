import QtQuick
import QtQuick.Controls
import Hearth.Components
import Hearth.Models
import Hearth.Chat

// A fenced code block: language label, Copy button, monospace text.
Rectangle {
    id: block
    property string code: ""
    property string language: ""
    property string markdownSource: ""  // the fenced block as written
    property var chat
    property bool copied: false

    implicitHeight: header.height + codeText.implicitHeight + 24
    radius: Theme.radiusSmall
    color: Theme.codeBackground
    border.color: Theme.border

    Rectangle {
        id: header
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.top: parent.top
        anchors.margins: 1
        height: 30
        radius: Theme.radiusSmall
        color: Theme.codeHeader
        Rectangle { anchors.bottom: parent.bottom; width: parent.width; height: parent.radius; color: parent.color }
        Text {
            anchors.left: parent.left
            anchors.leftMargin: 12
            anchors.verticalCenter: parent.verticalCenter
            text: block.language !== "" ? block.language : "code"
            color: Theme.mutedText
            font.pixelSize: 11
            font.family: Theme.monoFamily
        }
        FlatButton {
            objectName: "copyCodeButton"
            anchors.right: parent.right
            anchors.rightMargin: 4
            anchors.verticalCenter: parent.verticalCenter
            implicitHeight: 24
            text: block.copied ? "Copied" : "Copy"
            fontSize: 11
            onClicked: { block.chat.copyText(block.code); block.copied = true; resetTimer.restart() }
        }
        Timer { id: resetTimer; interval: 1500; onTriggered: block.copied = false }
    }
    TextEdit {
        id: codeText
        objectName: "codeText"
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.top: header.bottom
        anchors.margins: 12
        readonly property string markdownSource: block.markdownSource
        text: block.code
        textFormat: TextEdit.PlainText
        readOnly: true
        selectByMouse: true  // the I-beam; in the chat view ChatSelection takes the presses
        selectedTextColor: Theme.accentText
        wrapMode: TextEdit.WrapAnywhere
        color: Theme.text
        selectionColor: Theme.accent
        font.family: Theme.monoFamily
        font.pixelSize: 13
        CodeHighlighter { document: codeText.textDocument; language: block.language; dark: Theme.dark }
    }
}
