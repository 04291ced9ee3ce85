import QtQuick
import QtQuick.Controls
import Hearth.Components

// A quiet text button: transparent until hovered; `accent` makes it the primary action.
AbstractButton {
    id: control
    property bool accent: false
    property bool outlined: false
    property color textColor: Theme.mutedText
    property int fontSize: Theme.smallFontSize

    implicitHeight: 30
    implicitWidth: label.implicitWidth + 22
    hoverEnabled: true
    // Tab reaches it (Space or Enter presses it); clicks do not take focus.
    focusPolicy: Qt.TabFocus
    Keys.onReturnPressed: clicked()
    Keys.onEnterPressed: clicked()

    contentItem: Text {
        id: label
        text: control.text
        font.pixelSize: control.fontSize
        font.family: Theme.fontFamily
        font.weight: control.accent ? Font.DemiBold : Font.Normal
        color: control.accent ? Theme.accentText
             : !control.enabled ? Theme.faintText
             : control.hovered ? Theme.text : control.textColor
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignVCenter
        elide: Text.ElideRight
    }
    background: Rectangle {
        radius: Theme.radiusSmall
        color: control.accent ? (control.down || control.hovered ? Theme.accentHover : Theme.accent)
             : control.hovered && control.enabled ? Theme.surfaceAlt : "transparent"
        border.width: control.outlined ? 1 : 0
        border.color: Theme.border
        Behavior on color { ColorAnimation { duration: 120 } }
        FocusRing { target: control }
    }
}
