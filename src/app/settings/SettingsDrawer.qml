import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.Components
import Hearth.Models
import Hearth.Chat
import Hearth.Settings

// Per-conversation settings: preset, system prompt, sampling, thinking and
// the context policy (with the app-wide default the chat may follow); then
// the app's theme.
Drawer {
    id: drawer
    property ChatSettingsController chatSettings
    property var preferences
    readonly property var s: chatSettings.settings
    readonly property var policies: [
        { text: "Rolling window", value: "rolling_window" },
        { text: "Truncate middle", value: "truncate_middle" },
        { text: "Stop at limit", value: "stop" }
    ]
    function policyText(value) {
        for (const p of policies) if (p.value === value) return p.text
        return value
    }
    function syncPolicies() {
        chatPolicy.currentIndex = chatPolicy.indexOfValue(s.contextOverflow)
        defaultPolicy.currentIndex = defaultPolicy.indexOfValue(s.defaultContextOverflow)
    }
    Connections { target: drawer.chatSettings; function onSettingsChanged() { drawer.syncPolicies() } }
    Component.onCompleted: syncPolicies()

    edge: Qt.RightEdge
    width: 360
    background: Rectangle {
        color: Theme.surface
        Rectangle { width: 1; height: parent.height; color: Theme.border }
    }

    ScrollView {
        anchors.fill: parent
        contentWidth: availableWidth
        ColumnLayout {
            width: drawer.width
            spacing: 18

            ColumnLayout {
                Layout.fillWidth: true
                Layout.margins: 22
                spacing: 18

                RowLayout {
                    Layout.fillWidth: true
                    Text {
                        Layout.fillWidth: true
                        text: "Chat settings"
                        color: Theme.text
                        font.pixelSize: 18
                        font.weight: Font.DemiBold
                        font.family: Theme.fontFamily
                    }
                    FlatButton { text: "Close"; onClicked: drawer.close() }
                }

                PresetSection { Layout.fillWidth: true; chatSettings: drawer.chatSettings }

                ColumnLayout {
                    Layout.fillWidth: true
                    spacing: 6
                    Text {
                        text: "System prompt"
                        color: Theme.text
                        font.pixelSize: Theme.fontSize - 1
                        font.family: Theme.fontFamily
                    }
                    TextArea {
                        id: systemPrompt
                        Layout.fillWidth: true
                        Layout.preferredHeight: Math.max(90, implicitHeight)
                        text: drawer.s.systemPrompt
                        placeholderText: "You are a helpful assistant."
                        placeholderTextColor: Theme.faintText
                        wrapMode: TextArea.Wrap
                        color: Theme.text
                        font.pixelSize: Theme.fontSize - 1
                        font.family: Theme.fontFamily
                        background: Rectangle {
                            radius: Theme.radiusSmall
                            color: Theme.background
                            border.color: systemPrompt.activeFocus ? Theme.accent : Theme.border
                        }
                        onActiveFocusChanged: if (!activeFocus) drawer.chatSettings.setSetting("systemPrompt", text)
                    }
                }

                ColumnLayout {
                    Layout.fillWidth: true
                    spacing: 2
                    RowLayout {
                        Layout.fillWidth: true
                        Text {
                            Layout.fillWidth: true
                            text: "Thinking"
                            color: Theme.text
                            font.pixelSize: Theme.fontSize - 1
                            font.family: Theme.fontFamily
                        }
                        Switch {
                            id: thinkingSwitch
                            objectName: "thinkingSwitch"
                            checked: drawer.s.thinking
                            onToggled: drawer.chatSettings.setSetting("thinking", checked)
                        }
                    }
                    Text {
                        Layout.fillWidth: true
                        text: "For models whose template reads enable_thinking (Qwen3, QwQ and the like):"
                              + " off asks for the answer without the reasoning first."
                        color: Theme.faintText
                        wrapMode: Text.Wrap
                        font.pixelSize: 11
                        font.family: Theme.fontFamily
                    }
                }
                SettingField {
                    Layout.fillWidth: true
                    label: "Temperature"
                    hint: "Higher is more varied, lower more focused. 0 always picks the likeliest word."
                    from: 0; to: 2; decimals: 2
                    value: drawer.s.temperature
                    onEdited: (v) => drawer.chatSettings.setSetting("temperature", v)
                }
                SettingField {
                    Layout.fillWidth: true
                    label: "Top-p"
                    from: 0; to: 1; decimals: 2
                    value: drawer.s.topP
                    onEdited: (v) => drawer.chatSettings.setSetting("topP", v)
                }
                SettingField {
                    Layout.fillWidth: true
                    label: "Min-p"
                    from: 0; to: 1; decimals: 2
                    value: drawer.s.minP
                    onEdited: (v) => drawer.chatSettings.setSetting("minP", v)
                }
                SettingField {
                    Layout.fillWidth: true
                    label: "Top-k"
                    hint: "0 turns it off."
                    from: 0; to: 500; decimals: 0
                    value: drawer.s.topK
                    onEdited: (v) => drawer.chatSettings.setSetting("topK", v)
                }
                SettingField {
                    Layout.fillWidth: true
                    label: "Max tokens per reply"
                    hint: "0, no limit: until the model stops or the context is full (then Continue goes on)."
                    zeroText: "No limit"
                    from: 0; to: 32768; decimals: 0
                    value: drawer.s.maxTokens
                    onEdited: (v) => drawer.chatSettings.setSetting("maxTokens", v)
                }
                SettingField {
                    Layout.fillWidth: true
                    label: "Context size"
                    hint: "0: the model's default (at most 4096). Changing it reloads the model."
                    from: 0; to: 131072; decimals: 0
                    value: drawer.s.contextSize
                    onEdited: (v) => drawer.chatSettings.setSetting("contextSize", v)
                }
                ColumnLayout {
                    Layout.fillWidth: true
                    spacing: 4
                    Text {
                        text: "When the context is full"
                        color: Theme.text
                        font.pixelSize: Theme.fontSize - 1
                        font.family: Theme.fontFamily
                    }
                    ModelsComboBox {
                        id: chatPolicy
                        objectName: "contextPolicyBox"
                        Layout.fillWidth: true
                        model: [{ text: "App default (" + drawer.policyText(drawer.s.defaultContextOverflow) + ")",
                                  value: "" }].concat(drawer.policies)
                        onModelChanged: drawer.syncPolicies()
                        onActivated: drawer.chatSettings.setSetting("contextOverflow", currentValue)
                    }
                    Text {
                        Layout.fillWidth: true
                        text: "Rolling window leaves the oldest turns out and keeps the system prompt. Truncate middle"
                              + " keeps the first turn and the latest ones. Stop at limit refuses a message that no"
                              + " longer fits."
                        color: Theme.faintText
                        wrapMode: Text.Wrap
                        font.pixelSize: 11
                        font.family: Theme.fontFamily
                    }
                    RowLayout {
                        Layout.fillWidth: true
                        Layout.topMargin: 4
                        Text {
                            Layout.fillWidth: true
                            text: "Default for all chats"
                            color: Theme.mutedText
                            font.pixelSize: Theme.smallFontSize
                            font.family: Theme.fontFamily
                        }
                        ModelsComboBox {
                            id: defaultPolicy
                            objectName: "defaultContextPolicyBox"
                            implicitWidth: 170
                            model: drawer.policies
                            onActivated: drawer.chatSettings.setSetting("defaultContextOverflow", currentValue)
                        }
                    }
                }
                SettingField {
                    Layout.fillWidth: true
                    label: "Seed"
                    hint: "-1: a new random seed for every reply (each reply records the one it used)."
                    from: -1; to: 2147483647; decimals: 0
                    value: drawer.s.seed
                    onEdited: (v) => drawer.chatSettings.setSetting("seed", v)
                }
                FlatButton {
                    outlined: true
                    text: "Reset to defaults"
                    onClicked: drawer.chatSettings.resetSettings()
                }
                Rectangle { Layout.fillWidth: true; height: 1; color: Theme.border }
                ThemeSwitch { Layout.fillWidth: true; preferences: drawer.preferences }
            }
        }
    }
}
