import QtQuick
import Hearth.Components
import Hearth.Models

// A coloured chip for a fit badge key ("gpu", "partial", "cpu", "toobig").
Rectangle {
    id: chip
    property string fit: ""
    property string label: ""

    readonly property color tone: fit === "gpu" ? Theme.success
                                : fit === "partial" ? Theme.accent
                                : fit === "cpu" ? "#4f7fd0"
                                : Theme.danger
    visible: fit !== ""
    implicitWidth: text.implicitWidth + 18
    implicitHeight: 22
    radius: height / 2
    color: Qt.rgba(tone.r, tone.g, tone.b, Theme.dark ? 0.22 : 0.13)
    border.color: Qt.rgba(tone.r, tone.g, tone.b, 0.45)

    Text {
        id: text
        anchors.centerIn: parent
        text: chip.label
        color: chip.tone
        font.pixelSize: Theme.smallFontSize
        font.bold: true
        font.family: Theme.fontFamily
    }
}
