import QtQuick
import Hearth.Components

// The keyboard focus outline of a control: shown only for focus that came
// from the keyboard (visualFocus), as browsers do, never for mouse clicks.
Rectangle {
    property Item target: parent
    property bool shown: target && target.visualFocus === true

    objectName: "focusRing"
    anchors.fill: parent
    anchors.margins: -3
    radius: Theme.radiusSmall + 3
    color: "transparent"
    border.width: 2
    border.color: Theme.accent
    visible: shown
    z: 10
}
