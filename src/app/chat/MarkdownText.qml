import QtQuick
import Hearth.Components
import Hearth.Models
import Hearth.Chat

// One prose block of a reply: the themed rich text MarkdownBlockModel made
// from its Markdown; links open in the browser.
TextEdit {
    property string html: ""
    // The block's Markdown, copied when the whole block is selected (ChatSelection).
    property string markdownSource: ""

    objectName: "markdownText"
    text: html
    bottomPadding: 6  // the gap between paragraphs
    textFormat: TextEdit.RichText
    readOnly: true
    selectByMouse: true  // the I-beam; in the chat view ChatSelection takes the presses
    wrapMode: TextEdit.Wrap
    color: Theme.text
    selectionColor: Theme.accent
    selectedTextColor: Theme.accentText
    font.pixelSize: Theme.fontSize + 1
    font.family: Theme.fontFamily
    onLinkActivated: (link) => Qt.openUrlExternally(link)
}
