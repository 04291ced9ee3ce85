pragma Singleton
import QtQuick

// Colours, sizes and fonts for the whole UI. Follows the system's light/dark
// preference; `forced` ("dark" or "light") overrides it.
QtObject {
    // Qt 6.4 has no styleHints.colorScheme: read the platform palette instead.
    property string forced: ""
    readonly property SystemPalette system: SystemPalette { colorGroup: SystemPalette.Active }
    readonly property bool dark: forced === "dark" || (forced !== "light" && system.window.hslLightness < 0.5)

    readonly property color background: dark ? "#16171b" : "#fbfaf8"
    readonly property color surface: dark ? "#1f2026" : "#ffffff"
    readonly property color surfaceAlt: dark ? "#26272e" : "#f3f1ee"
    readonly property color sidebar: dark ? "#111215" : "#f2efeb"
    readonly property color sidebarHover: dark ? "#1d1e23" : "#e8e4de"
    readonly property color sidebarSelected: dark ? "#272830" : "#e2ddd5"
    readonly property color border: dark ? "#2d2f37" : "#e4e0da"
    readonly property color text: dark ? "#ececf1" : "#1f1d1a"
    readonly property color mutedText: dark ? "#9698a3" : "#77716a"
    readonly property color faintText: dark ? "#6c6e78" : "#a19a92"
    readonly property color accent: "#e8743b"
    readonly property color accentHover: "#d9652c"
    readonly property color accentSoft: dark ? "#3a2619" : "#fcebe1"
    readonly property color accentText: "#ffffff"
    readonly property color userBubble: dark ? "#2c2d35" : "#f1ece6"
    readonly property color codeBackground: dark ? "#121317" : "#f6f4f1"
    readonly property color codeHeader: dark ? "#1a1b20" : "#ece8e2"
    readonly property color danger: dark ? "#f07171" : "#c8423b"
    readonly property color dangerSoft: dark ? "#3a1f21" : "#fbe4e2"
    readonly property color success: dark ? "#6cc38a" : "#2f8a4d"
    readonly property color shadow: dark ? "#60000000" : "#1a3a2a1a"

    readonly property int radius: 12
    readonly property int radiusSmall: 8
    readonly property int spacing: 12
    readonly property int fontSize: 14
    readonly property int smallFontSize: 12
    readonly property int titleFontSize: 20
    readonly property int contentWidth: 760
    readonly property string fontFamily: "DejaVu Sans"
    readonly property string monoFamily: "DejaVu Sans Mono"
}
