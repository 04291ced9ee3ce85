import QtQuick
import QtQuick.Controls
import Hearth.Components

// One entry of an AppMenu; `danger` colours destructive actions.
MenuItem {
    id: control
    property bool danger: false

    implicitHeight: 34
    leftPadding: 12
    rightPadding: 12
    contentItem: Text {
        text: control.text
        color: !control.enabled ? Theme.faintText : control.danger ? Theme.danger : Theme.text
        font.pixelSize: Theme.fontSize - 1
        font.family: Theme.fontFamily
        verticalAlignment: Text.AlignVCenter
        elide: Text.ElideRight
    }
    background: Rectangle {
        radius: Theme.radiusSmall
        color: control.highlighted && control.enabled ? Theme.surfaceAlt : "transparent"
    }
}
