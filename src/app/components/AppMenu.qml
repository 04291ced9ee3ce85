import QtQuick
import QtQuick.Controls
import Hearth.Components

// A themed popup menu: a rounded, bordered card holding AppMenuItems.
Menu {
    id: menu
    padding: 6
    topPadding: 6
    bottomPadding: 6
    background: Rectangle {
        implicitWidth: 220
        radius: Theme.radius
        color: Theme.surface
        border.color: Theme.border
        // A soft edge below, so the card lifts off the page.
        Rectangle {
            z: -1
            anchors.fill: parent
            anchors.topMargin: 3
            anchors.bottomMargin: -3
            radius: parent.radius
            color: Theme.dark ? "#40000000" : "#14000000"
        }
    }
}
