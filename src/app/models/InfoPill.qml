import QtQuick
import Hearth.Components
import Hearth.Models

// A neutral detail chip ("llama", "Q4_K_M", "4096 ctx").
Rectangle {
    property alias text: label.text
    visible: label.text !== ""
    implicitWidth: label.implicitWidth + 14
    implicitHeight: 22
    radius: 6
    color: Theme.surfaceAlt
    Text {
        id: label
        anchors.centerIn: parent
        color: Theme.mutedText
        font.pixelSize: Theme.smallFontSize
        font.family: Theme.fontFamily
    }
}
