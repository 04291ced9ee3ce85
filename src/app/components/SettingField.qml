import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.Components

// A labelled numeric setting: a slider (decimals > 0) or a spin box.
ColumnLayout {
    id: field
    property string label: ""
    property string hint: ""
    property real value: 0
    property real from: 0
    property real to: 1
    property int decimals: 2
    // What a spin box shows for 0 ("No limit"); "" shows the number.
    property string zeroText: ""
    signal edited(real value)

    spacing: 4

    RowLayout {
        Layout.fillWidth: true
        Text {
            Layout.fillWidth: true
            text: field.label
            color: Theme.text
            font.pixelSize: Theme.fontSize - 1
            font.family: Theme.fontFamily
        }
        Text {
            visible: field.decimals > 0
            text: field.value.toFixed(field.decimals)
            color: Theme.mutedText
            font.pixelSize: Theme.smallFontSize
            font.family: Theme.monoFamily
        }
    }
    Slider {
        id: slider
        visible: field.decimals > 0
        Layout.fillWidth: true
        from: field.from
        to: field.to
        value: field.value
        stepSize: Math.pow(10, -field.decimals)
        onMoved: field.edited(Number(value.toFixed(field.decimals)))
        background: Rectangle {
            x: slider.leftPadding
            y: slider.topPadding + slider.availableHeight / 2 - height / 2
            width: slider.availableWidth
            height: 4
            radius: 2
            color: Theme.surfaceAlt
            Rectangle { width: slider.visualPosition * parent.width; height: parent.height; radius: 2; color: Theme.accent }
        }
        handle: Rectangle {
            x: slider.leftPadding + slider.visualPosition * (slider.availableWidth - width)
            y: slider.topPadding + slider.availableHeight / 2 - height / 2
            width: 16; height: 16; radius: 8
            color: "white"
            border.color: Theme.accent
            border.width: 2
        }
    }
    SpinBox {
        id: spin
        visible: field.decimals === 0
        Layout.fillWidth: true
        from: field.from
        to: field.to
        value: field.value
        editable: true
        onValueModified: field.edited(value)
        textFromValue: (v, locale) => v === 0 && field.zeroText !== "" ? field.zeroText
                                                                      : Number(v).toLocaleString(locale, "f", 0)
        valueFromText: (text, locale) => text.trim().toLowerCase() === field.zeroText.toLowerCase() ? 0
                                         : Number.fromLocaleString(locale, text)
        // The drawer is a popup, which in Qt 6.4 does not take the window's
        // palette: the Basic style's spin box would stay white in the dark theme.
        palette.base: Theme.surface
        palette.text: Theme.text
        palette.button: Theme.surfaceAlt
        palette.buttonText: Theme.text
        palette.mid: Theme.border
        palette.highlight: Theme.accent
        palette.highlightedText: Theme.accentText
    }
    Text {
        visible: field.hint !== ""
        Layout.fillWidth: true
        text: field.hint
        color: Theme.faintText
        wrapMode: Text.Wrap
        font.pixelSize: 11
        font.family: Theme.fontFamily
    }
}
