import QtQuick
import QtQuick.Controls
import Hearth.Components

// A hairline between groups of an AppMenu.
MenuSeparator {
    topPadding: 5
    bottomPadding: 5
    leftPadding: 6
    rightPadding: 6
    contentItem: Rectangle {
        implicitHeight: 1
        color: Theme.border
    }
}
