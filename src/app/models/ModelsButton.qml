import QtQuick
import Hearth.Components
import Hearth.Models

// A compact button for the Models page: flat, primary (accent) or danger.
Rectangle {
    id: button
    property string text: ""
    property bool primary: false
    property bool danger: false
    signal clicked()

    implicitWidth: label.implicitWidth + 24
    implicitHeight: 30
    radius: Theme.radiusSmall
    opacity: enabled ? 1 : 0.45
    color: primary ? (mouse.containsMouse ? Theme.accentHover : Theme.accent)
                   : mouse.containsMouse ? (danger ? Theme.dangerSoft : Theme.surfaceAlt) : "transparent"
    border.color: primary ? "transparent" : (danger ? Theme.danger : Theme.border)

    Text {
        id: label
        anchors.centerIn: parent
        text: button.text
        font.pixelSize: Theme.smallFontSize + 1
        font.family: Theme.fontFamily
        font.bold: button.primary
        color: button.primary ? Theme.accentText : button.danger ? Theme.danger : Theme.text
    }
    MouseArea {
        id: mouse
        anchors.fill: parent
        hoverEnabled: true
        cursorShape: Qt.PointingHandCursor
        onClicked: button.clicked()
    }
}
