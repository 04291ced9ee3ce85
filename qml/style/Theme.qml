pragma Singleton
import QtQuick

// Colours and sizes for the whole UI. Follows the system's light/dark preference.
QtObject {
    // Qt 6.4 has no styleHints.colorScheme: read the platform palette instead.
    // `forced` ("dark" or "light") lets the settings override the system.
    property string forced: ""
    readonly property SystemPalette system: SystemPalette { colorGroup: SystemPalette.Active }
    readonly property bool dark: forced === "dark" || (forced !== "light" && system.window.hslLightness < 0.5)

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
