import QtQuick
import Hearth.Components
import Hearth.Models
import Hearth.Chat

// A quoted paragraph of a reply: a bar on the left, the text muted beside it.
Item {
    property string html: ""
    property string markdownSource: ""

    objectName: "quoteBlock"
    implicitHeight: quoteText.implicitHeight
    Rectangle {
        width: 3
        height: parent.height
        radius: 1.5
        color: Theme.faintText
    }
    MarkdownText {
        id: quoteText
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.leftMargin: 14
        html: parent.html
        markdownSource: parent.markdownSource
        color: Theme.mutedText
    }
}
