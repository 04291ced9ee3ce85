import QtQuick
import QtQuick.Controls
import Hearth.Components
import Hearth.Models

// A compact, themed ComboBox for the Models page. `model` is a list of
// {text, value} objects; `currentValue` is the chosen one's value.
ComboBox {
    id: box
    textRole: "text"
    valueRole: "value"
    implicitHeight: 30
    implicitWidth: Math.max(110, contentItem.implicitWidth + 40)
    font.pixelSize: Theme.smallFontSize + 1
    font.family: Theme.fontFamily

    background: Rectangle {
        radius: Theme.radiusSmall
        color: box.hovered ? Theme.surfaceAlt : Theme.surface
        border.color: box.activeFocus || box.popup.visible ? Theme.accent : Theme.border
    }
    contentItem: Text {
        leftPadding: 10
        rightPadding: 24
        text: box.displayText
        color: Theme.text
        font: box.font
        verticalAlignment: Text.AlignVCenter
        elide: Text.ElideRight
    }
    indicator: Text {
        x: box.width - width - 10
        anchors.verticalCenter: parent.verticalCenter
        text: "▾"
        color: Theme.mutedText
        font.pixelSize: Theme.smallFontSize
    }
    delegate: ItemDelegate {
        required property int index
        required property var modelData
        width: ListView.view.width
        height: 30
        highlighted: box.highlightedIndex === index
        contentItem: Text {
            text: modelData.text
            color: box.currentIndex === index ? Theme.accent : Theme.text
            font.pixelSize: Theme.smallFontSize + 1
            font.family: Theme.fontFamily
            font.bold: box.currentIndex === index
            verticalAlignment: Text.AlignVCenter
        }
        background: Rectangle { color: highlighted ? Theme.surfaceAlt : "transparent"; radius: 6 }
    }
    popup: Popup {
        y: box.height + 4
        width: Math.max(box.width, 150)
        implicitHeight: Math.min(contentItem.implicitHeight + 8, 280)
        padding: 4
        contentItem: ListView {
            clip: true
            implicitHeight: contentHeight
            model: box.popup.visible ? box.delegateModel : null
            currentIndex: box.highlightedIndex
            ScrollBar.vertical: ScrollBar {}
        }
        background: Rectangle { color: Theme.surface; radius: Theme.radiusSmall; border.color: Theme.border }
    }
}
