import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.Components
import Hearth.Models
import Hearth.Chat

// The top bar's model picker: the library's models (name, quant, size, fit
// badge), one click to switch, and the ways to get another model.
Popup {
    id: picker
    objectName: "modelPickerPopup"
    property var chat
    property ChatModelController chatModel
    property var library            // ModelLibraryModel
    signal openModel()
    signal browseModels()
    signal manageModels()
    signal openServer()
    signal openTools()

    width: 420
    padding: 6
    background: Rectangle {
        radius: Theme.radius
        color: Theme.surface
        border.color: Theme.border
        Rectangle {
            z: -1
            anchors.fill: parent
            anchors.topMargin: 3
            anchors.bottomMargin: -3
            radius: parent.radius
            color: Theme.dark ? "#40000000" : "#14000000"
        }
    }

    contentItem: ColumnLayout {
        spacing: 2

        Text {
            Layout.fillWidth: true
            Layout.margins: 8
            text: picker.library && picker.library.count > 0 ? "Models on this computer" : "No models downloaded yet"
            color: Theme.mutedText
            font.pixelSize: Theme.smallFontSize
            font.family: Theme.fontFamily
        }

        ListView {
            id: list
            objectName: "modelPickerList"
            Layout.fillWidth: true
            Layout.preferredHeight: Math.min(contentHeight, 320)
            clip: true
            model: picker.library
            boundsBehavior: Flickable.StopAtBounds
            ScrollBar.vertical: ScrollBar {}
            delegate: ItemDelegate {
                id: row
                required property string name
                required property string path
                required property string quant
                required property string sizeText
                required property string parametersText
                required property string fit
                required property string fitText
                required property string error
                required property bool isProjector
                required property bool complete
                readonly property bool current: !picker.chatModel.usingRemote && picker.chatModel.modelPath === path
                                                && picker.chatModel.modelState !== ChatModelController.Error
                readonly property bool usable: error === "" && complete && !isProjector
                objectName: "pickerRow_" + name
                width: ListView.view.width
                visible: !isProjector
                height: visible ? implicitHeight : 0
                enabled: usable && !picker.chat.generating
                hoverEnabled: true
                onClicked: { picker.close(); if (!current) picker.chatModel.loadModel(path) }
                background: Rectangle {
                    radius: Theme.radiusSmall
                    color: row.current ? Theme.accentSoft : row.hovered ? Theme.surfaceAlt : "transparent"
                }
                contentItem: RowLayout {
                    spacing: 10
                    ColumnLayout {
                        Layout.fillWidth: true
                        spacing: 2
                        Text {
                            Layout.fillWidth: true
                            text: row.name
                            elide: Text.ElideMiddle
                            color: row.usable ? Theme.text : Theme.faintText
                            font.pixelSize: Theme.fontSize - 1
                            font.weight: row.current ? Font.DemiBold : Font.Normal
                            font.family: Theme.fontFamily
                        }
                        Text {
                            Layout.fillWidth: true
                            text: row.error !== "" ? row.error
                                : [row.quant, row.sizeText, row.parametersText].filter(s => s !== "").join(" · ")
                            elide: Text.ElideRight
                            color: Theme.mutedText
                            font.pixelSize: Theme.smallFontSize
                            font.family: Theme.fontFamily
                        }
                    }
                    FitBadge { fit: row.fit; label: row.fitText }
                    Text {
                        visible: row.current
                        text: "✓"
                        color: Theme.accent
                        font.pixelSize: Theme.fontSize
                    }
                }
            }
        }

        Rectangle { Layout.fillWidth: true; Layout.topMargin: 4; Layout.bottomMargin: 4; height: 1; color: Theme.border }

        // Models on remote OpenAI-compatible endpoints, and adding one.
        RemoteSection {
            Layout.fillWidth: true
            chat: picker.chat
            chatModel: picker.chatModel
            onChosen: picker.close()
        }

        Rectangle { Layout.fillWidth: true; Layout.topMargin: 4; Layout.bottomMargin: 4; height: 1; color: Theme.border }

        Repeater {
            model: [
                { label: "Download a model…", key: "download" },
                { label: "Open a GGUF file…", key: "open" },
                { label: "Manage models…", key: "manage" },
                { label: "Local server…  (Ctrl+Shift+S)", key: "server" },
                { label: "Tools…  (Ctrl+Shift+T)", key: "tools" }
            ]
            delegate: ItemDelegate {
                id: action
                required property var modelData
                objectName: "pickerAction_" + modelData.key
                Layout.fillWidth: true
                implicitHeight: 34
                hoverEnabled: true
                onClicked: {
                    picker.close()
                    if (modelData.key === "download") picker.browseModels()
                    else if (modelData.key === "open") picker.openModel()
                    else if (modelData.key === "manage") picker.manageModels()
                    else if (modelData.key === "tools") picker.openTools()
                    else picker.openServer()
                }
                background: Rectangle { radius: Theme.radiusSmall; color: action.hovered ? Theme.surfaceAlt : "transparent" }
                contentItem: Text {
                    text: action.modelData.label
                    color: Theme.text
                    verticalAlignment: Text.AlignVCenter
                    font.pixelSize: Theme.fontSize - 1
                    font.family: Theme.fontFamily
                }
            }
        }

        Text {
            Layout.fillWidth: true
            Layout.margins: 8
            visible: picker.chatModel.gpuNotice !== ""
            text: picker.chatModel.gpuNotice
            wrapMode: Text.Wrap
            color: Theme.faintText
            font.pixelSize: Theme.smallFontSize
            font.family: Theme.fontFamily
        }
    }
}
