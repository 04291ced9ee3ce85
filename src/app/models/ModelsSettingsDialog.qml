import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtQuick.Dialogs
import Hearth.Components
import Hearth.Models

// Settings of the model manager: the Hugging Face token (masked; saved in the
// app's settings, used when HF_TOKEN is unset) and the folders the library
// scans, and on a machine with several GPUs the one models load on. Everything
// persists at once; the GPU applies at the next model load.
Dialog {
    id: dialog
    property ModelsController controller

    modal: true
    width: 560
    padding: 22
    topPadding: 8
    background: Rectangle { color: Theme.surface; radius: Theme.radius; border.color: Theme.border }
    header: Text {
        leftPadding: 22
        topPadding: 20
        bottomPadding: 12
        text: qsTr("Model settings")
        color: Theme.text
        font.pixelSize: Theme.titleFontSize - 2
        font.bold: true
        font.family: Theme.fontFamily
    }

    component SectionTitle: Text {
        color: Theme.text
        font.pixelSize: Theme.fontSize
        font.bold: true
        font.family: Theme.fontFamily
    }
    component Hint: Text {
        Layout.fillWidth: true
        wrapMode: Text.Wrap
        color: Theme.mutedText
        font.pixelSize: Theme.smallFontSize
        font.family: Theme.fontFamily
    }

    contentItem: ColumnLayout {
        spacing: 12

        SectionTitle { text: qsTr("Hugging Face access token") }
        Hint {
            text: qsTr("Needed for gated and private repositories. Create a read token at huggingface.co/settings/tokens. "
                       + "It is sent only to the Hub, never to download mirrors, and never written to logs.")
        }
        Rectangle {  // the token's state
            Layout.fillWidth: true
            implicitHeight: 40
            radius: Theme.radiusSmall
            color: Theme.surfaceAlt
            RowLayout {
                anchors.fill: parent
                anchors.leftMargin: 12
                anchors.rightMargin: 6
                spacing: 8
                Text {
                    text: dialog.controller.tokenFromEnvironment ? qsTr("From HF_TOKEN")
                          : dialog.controller.hasToken ? qsTr("Saved token") : qsTr("No token saved")
                    color: dialog.controller.hasToken ? Theme.mutedText : Theme.faintText
                    font.pixelSize: Theme.smallFontSize + 1
                    font.family: Theme.fontFamily
                }
                Text {
                    Layout.fillWidth: true
                    objectName: "tokenState"
                    text: dialog.controller.maskedToken
                    elide: Text.ElideRight
                    color: Theme.text
                    font.pixelSize: Theme.smallFontSize + 1
                    font.family: Theme.monoFamily
                }
                ModelsButton {
                    objectName: "clearTokenButton"
                    text: qsTr("Remove")
                    danger: true
                    visible: !dialog.controller.tokenFromEnvironment && dialog.controller.hasToken
                    onClicked: dialog.controller.clearHfToken()
                }
            }
        }
        RowLayout {
            Layout.fillWidth: true
            spacing: 8
            Rectangle {
                Layout.fillWidth: true
                implicitHeight: 34
                radius: Theme.radiusSmall
                color: Theme.surface
                border.color: tokenField.activeFocus ? Theme.accent : Theme.border
                TextInput {
                    id: tokenField
                    objectName: "tokenField"
                    anchors.fill: parent
                    anchors.leftMargin: 10
                    anchors.rightMargin: 10
                    verticalAlignment: TextInput.AlignVCenter
                    echoMode: TextInput.Password
                    color: Theme.text
                    clip: true
                    font.pixelSize: Theme.fontSize
                    font.family: Theme.monoFamily
                    onAccepted: saveToken.clicked()
                    Text {
                        anchors.verticalCenter: parent.verticalCenter
                        visible: tokenField.text === ""
                        text: dialog.controller.hasToken ? qsTr("Paste a new token to replace it") : "hf_…"
                        color: Theme.faintText
                        font.pixelSize: Theme.fontSize
                        font.family: Theme.fontFamily
                    }
                }
            }
            ModelsButton {
                id: saveToken
                objectName: "saveTokenButton"
                text: qsTr("Save token")
                primary: true
                implicitHeight: 34
                enabled: tokenField.text.trim() !== ""
                onClicked: {
                    dialog.controller.setHfToken(tokenField.text)
                    tokenField.text = ""
                }
            }
        }
        Hint {
            visible: dialog.controller.tokenFromEnvironment
            text: qsTr("HF_TOKEN is set, so it is used instead of a saved token.")
        }

        Rectangle { Layout.fillWidth: true; Layout.topMargin: 6; implicitHeight: 1; color: Theme.border }

        RowLayout {
            Layout.fillWidth: true
            SectionTitle { Layout.fillWidth: true; text: qsTr("Model folders") }
            ModelsButton {
                objectName: "addFolderButton"
                text: qsTr("Add folder…")
                onClicked: folderDialog.open()
            }
        }
        Hint { text: qsTr("The library lists the models in all of these folders. Downloads go to the first one.") }
        ColumnLayout {
            Layout.fillWidth: true
            spacing: 6
            Repeater {
                model: dialog.controller.modelDirs
                delegate: Rectangle {
                    required property int index
                    required property string modelData
                    Layout.fillWidth: true
                    implicitHeight: 38
                    radius: Theme.radiusSmall
                    color: Theme.surface
                    border.color: Theme.border
                    RowLayout {
                        anchors.fill: parent
                        anchors.leftMargin: 12
                        anchors.rightMargin: 6
                        spacing: 8
                        Text {
                            Layout.fillWidth: true
                            text: modelData
                            elide: Text.ElideMiddle
                            color: Theme.text
                            font.pixelSize: Theme.smallFontSize + 1
                            font.family: Theme.monoFamily
                        }
                        InfoPill {
                            visible: index === 0
                            text: qsTr("downloads go here")
                        }
                        ModelsButton {
                            text: qsTr("Remove")
                            // The last folder stays: the library always scans somewhere.
                            visible: dialog.controller.modelDirs.length > 1
                            onClicked: dialog.controller.removeModelDir(modelData)
                        }
                    }
                }
            }
        }
        ColumnLayout {  // the GPU picker: the controller decides when it is shown
            Layout.fillWidth: true
            spacing: 8
            visible: dialog.controller.gpuPickerShown
            Rectangle { Layout.fillWidth: true; Layout.topMargin: 6; implicitHeight: 1; color: Theme.border }
            SectionTitle { text: qsTr("GPU") }
            Hint {
                text: qsTr("The GPU models load on. Automatic uses the first one. "
                           + "Applies at the next model load; a loaded model stays where it is.")
            }
            ModelsComboBox {
                objectName: "gpuDeviceBox"
                Layout.fillWidth: true
                model: dialog.controller.gpuChoices
                currentIndex: dialog.controller.gpuChoiceIndex
                onActivated: dialog.controller.setGpuDevice(currentValue)
            }
        }
        Text {
            Layout.fillWidth: true
            Layout.topMargin: 4
            text: qsTr("Saved in %1").arg(dialog.controller.settingsPath)
            elide: Text.ElideMiddle
            color: Theme.faintText
            font.pixelSize: Theme.smallFontSize
            font.family: Theme.fontFamily
        }
    }
    footer: Row {
        layoutDirection: Qt.RightToLeft
        rightPadding: 22
        bottomPadding: 18
        ModelsButton { text: qsTr("Done"); primary: true; onClicked: dialog.close() }
    }
    FolderDialog {
        id: folderDialog
        title: qsTr("Add a model folder")
        onAccepted: dialog.controller.addModelDir(selectedFolder)
    }
}
