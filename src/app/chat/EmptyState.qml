import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.Components
import Hearth.Models
import Hearth.Chat

// What the centre shows before the first message: how to get a model, the
// load in progress or its error, or (model ready) a greeting with prompts to try.
Item {
    id: root
    property ChatModelController chatModel
    signal openModel()
    signal browseModels()
    signal suggestion(string text)

    readonly property bool ready: chatModel.modelState === ChatModelController.Ready

    ColumnLayout {
        anchors.centerIn: parent
        width: Math.min(parent.width - 80, 560)
        spacing: 14

        Rectangle {
            Layout.alignment: Qt.AlignHCenter
            width: 64; height: 64; radius: 20
            gradient: Gradient {
                GradientStop { position: 0; color: "#f4a46f" }
                GradientStop { position: 1; color: Theme.accent }
            }
            Text {
                anchors.centerIn: parent
                text: "H"
                color: "white"
                font.pixelSize: 32
                font.bold: true
                font.family: Theme.fontFamily
            }
        }

        Text {
            Layout.alignment: Qt.AlignHCenter
            Layout.topMargin: 6
            text: root.ready ? "What shall we talk about?"
                : root.chatModel.modelState === ChatModelController.Loading ? "Loading " + root.chatModel.modelName + "…"
                : "Welcome to Hearth"
            color: Theme.text
            font.pixelSize: 26
            font.weight: Font.DemiBold
            font.family: Theme.fontFamily
        }
        Text {
            Layout.fillWidth: true
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
            text: root.ready ? "Chatting with " + root.chatModel.modelName + ". Everything stays on this computer."
                : root.chatModel.modelState === ChatModelController.Loading ? "This takes a moment for large models."
                : "Chat with language models privately, on your own machine. To begin, get a model."
            color: Theme.mutedText
            font.pixelSize: Theme.fontSize + 1
            lineHeight: 1.25
            font.family: Theme.fontFamily
        }

        ProgressBar {
            Layout.alignment: Qt.AlignHCenter
            Layout.preferredWidth: 280
            visible: root.chatModel.modelState === ChatModelController.Loading
            value: root.chatModel.loadProgress
            background: Rectangle { implicitHeight: 6; radius: 3; color: Theme.surfaceAlt }
            contentItem: Item {
                Rectangle {
                    width: parent.width * root.chatModel.loadProgress
                    height: parent.height
                    radius: 3
                    color: Theme.accent
                }
            }
        }

        Rectangle {
            objectName: "loadErrorCard"
            Layout.fillWidth: true
            Layout.topMargin: 6
            visible: root.chatModel.modelState === ChatModelController.Error
            implicitHeight: errorText.implicitHeight + 28
            radius: Theme.radius
            color: Theme.dangerSoft
            border.color: Theme.danger
            Text {
                id: errorText
                anchors.fill: parent
                anchors.margins: 14
                text: root.chatModel.loadError
                color: Theme.danger
                wrapMode: Text.Wrap
                font.pixelSize: Theme.fontSize
                font.family: Theme.fontFamily
            }
        }

        RowLayout {
            Layout.alignment: Qt.AlignHCenter
            Layout.topMargin: 10
            spacing: 12
            visible: !root.ready && root.chatModel.modelState !== ChatModelController.Loading
            FlatButton {
                objectName: "downloadModelButton"
                accent: true
                implicitHeight: 42
                implicitWidth: 190
                fontSize: Theme.fontSize
                text: "Download a model"
                onClicked: root.browseModels()
            }
            FlatButton {
                objectName: "openModelButton"
                outlined: true
                implicitHeight: 42
                implicitWidth: 190
                fontSize: Theme.fontSize
                textColor: Theme.text
                text: "Open a GGUF file…"
                onClicked: root.openModel()
            }
        }

        GridLayout {
            Layout.alignment: Qt.AlignHCenter
            Layout.topMargin: 14
            visible: root.ready
            columns: 2
            rowSpacing: 10
            columnSpacing: 10
            Repeater {
                model: [
                    ["Tell me a story", "about a dragon who is afraid of the dark"],
                    ["Explain", "how a rainbow forms, simply"],
                    ["Write a poem", "about morning coffee"],
                    ["Help me plan", "a relaxed weekend in the mountains"]
                ]
                delegate: Rectangle {
                    required property var modelData
                    Layout.preferredWidth: 250
                    implicitHeight: 64
                    radius: Theme.radius
                    color: chipMouse.containsMouse ? Theme.surfaceAlt : Theme.surface
                    border.color: Theme.border
                    Column {
                        anchors.fill: parent
                        anchors.margins: 12
                        spacing: 3
                        Text {
                            text: modelData[0]
                            color: Theme.text
                            font.pixelSize: Theme.fontSize - 1
                            font.weight: Font.DemiBold
                            font.family: Theme.fontFamily
                        }
                        Text {
                            width: parent.width
                            text: modelData[1]
                            color: Theme.mutedText
                            elide: Text.ElideRight
                            font.pixelSize: Theme.smallFontSize
                            font.family: Theme.fontFamily
                        }
                    }
                    MouseArea {
                        id: chipMouse
                        anchors.fill: parent
                        hoverEnabled: true
                        cursorShape: Qt.PointingHandCursor
                        onClicked: root.suggestion(modelData[0] + " " + modelData[1])
                    }
                }
            }
        }
    }
}
