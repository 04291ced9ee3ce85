import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.Components
import Hearth.Models
import Hearth.Chat
import Hearth.Settings

// The chat's preset (built-in or saved), saving the chat's settings as a
// preset, and making them the defaults every new chat starts with.
ColumnLayout {
    id: root
    property ChatSettingsController chatSettings
    spacing: 6

    function sync() { presetBox.currentIndex = presetBox.indexOfValue(root.chatSettings.activePreset) }
    Connections { target: root.chatSettings; function onSettingsChanged() { root.sync() } }
    Component.onCompleted: sync()

    Text {
        text: "Preset"
        color: Theme.text
        font.pixelSize: Theme.fontSize - 1
        font.family: Theme.fontFamily
    }
    ModelsComboBox {
        id: presetBox
        objectName: "presetBox"
        Layout.fillWidth: true
        model: [{ text: "Custom", value: "" }].concat(root.chatSettings.presetNames.map(n => ({ text: n, value: n })))
        onModelChanged: root.sync()
        onActivated: if (currentValue !== "") root.chatSettings.applyPreset(currentValue)
    }
    RowLayout {
        Layout.fillWidth: true
        spacing: 6
        TextField {
            id: presetName
            objectName: "presetNameField"
            Layout.fillWidth: true
            placeholderText: "Name a preset"
            placeholderTextColor: Theme.faintText
            color: Theme.text
            font.pixelSize: Theme.fontSize - 1
            font.family: Theme.fontFamily
            background: Rectangle {
                radius: Theme.radiusSmall
                color: Theme.background
                border.color: presetName.activeFocus ? Theme.accent : Theme.border
            }
            onAccepted: saveButton.clicked()
        }
        FlatButton {
            id: saveButton
            objectName: "savePresetButton"
            outlined: true
            text: "Save"
            enabled: presetName.text.trim() !== ""
            onClicked: if (root.chatSettings.savePreset(presetName.text)) presetName.text = ""
        }
    }
    FlatButton {
        objectName: "saveDefaultsButton"
        outlined: true
        text: "Use these settings for new chats"
        onClicked: root.chatSettings.saveAsDefaults()
    }
}
