import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.Components
import Hearth.Models
import Hearth.Chat
import Hearth.Settings

// System / Light / Dark: a segmented switch over Preferences.theme.
ColumnLayout {
    id: root
    property var preferences
    spacing: 6

    Text {
        text: "Theme"
        color: Theme.text
        font.pixelSize: Theme.fontSize - 1
        font.family: Theme.fontFamily
    }
    Rectangle {
        Layout.fillWidth: true
        implicitHeight: 36
        radius: Theme.radiusSmall
        color: Theme.background
        border.color: Theme.border
        RowLayout {
            anchors.fill: parent
            anchors.margins: 3
            spacing: 3
            Repeater {
                model: [{ text: "System", value: "system" }, { text: "Light", value: "light" },
                        { text: "Dark", value: "dark" }]
                delegate: AbstractButton {
                    id: option
                    required property var modelData
                    readonly property bool chosen: root.preferences.theme === modelData.value
                    objectName: "themeOption_" + modelData.value
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    hoverEnabled: true
                    checkable: true
                    checked: chosen
                    onClicked: root.preferences.theme = modelData.value
                    background: Rectangle {
                        radius: Theme.radiusSmall - 2
                        color: option.chosen ? Theme.accent : option.hovered ? Theme.surfaceAlt : "transparent"
                    }
                    contentItem: Text {
                        text: option.modelData.text
                        horizontalAlignment: Text.AlignHCenter
                        verticalAlignment: Text.AlignVCenter
                        color: option.chosen ? Theme.accentText : Theme.text
                        font.pixelSize: Theme.fontSize - 1
                        font.family: Theme.fontFamily
                    }
                }
            }
        }
    }
}
