pragma Singleton
import QtQuick

// Colours and sizes for the whole UI. Follows the system's light/dark preference.
QtObject {
    readonly property bool dark: Qt.styleHints.colorScheme === Qt.Dark

    readonly property color background: dark ? "#17181c" : "#f7f7f8"
    readonly property color surface: dark ? "#202127" : "#ffffff"
    readonly property color sidebar: dark ? "#1b1c21" : "#efeff2"
    readonly property color border: dark ? "#2e3038" : "#e1e2e6"
    readonly property color text: dark ? "#e8e8ec" : "#1d1e22"
    readonly property color mutedText: dark ? "#9a9ca6" : "#6b6d76"
    readonly property color accent: "#e8743b"
    readonly property color accentText: "#ffffff"

    readonly property int radius: 10
    readonly property int spacing: 12
    readonly property int fontSize: 14
    readonly property int titleFontSize: 20
}
