import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.Components
import Hearth.Models
import Hearth.Chat

// The model picker's remote part: each endpoint's models (from its
// /v1/models; an endpoint that failed shows why), one click to chat with one,
// and a small form to add an endpoint (name, base URL, optional API key).
// Behaviour lives in ChatModelController.remote (RemoteController).
ColumnLayout {
    id: section
    property var chat
    property ChatModelController chatModel
    readonly property var remote: chatModel ? chatModel.remote : null
    signal chosen()
    spacing: 2

    Text {
        Layout.fillWidth: true
        Layout.margins: 8
        text: "Remote endpoints"
        color: Theme.mutedText
        font.pixelSize: Theme.smallFontSize
        font.family: Theme.fontFamily
    }

    // Endpoint lines: name, URL, and an error or "listing…"; a remove button.
    Repeater {
        model: section.remote ? section.remote.endpoints : []
        delegate: RowLayout {
            id: endpointRow
            required property var modelData
            required property int index
            Layout.fillWidth: true
            Layout.leftMargin: 8
            Layout.rightMargin: 4
            spacing: 6
            Text {
                Layout.fillWidth: true
                text: endpointRow.modelData.name + "  ·  " + endpointRow.modelData.baseUrl
                      + (endpointRow.modelData.hasKey ? "  ·  key set" : "")
                      + (endpointRow.modelData.listing ? "  ·  listing models…" : "")
                      + (endpointRow.modelData.error !== "" ? "\n" + endpointRow.modelData.error : "")
                wrapMode: Text.Wrap
                color: endpointRow.modelData.error !== "" ? Theme.danger : Theme.faintText
                font.pixelSize: Theme.smallFontSize
                font.family: Theme.fontFamily
            }
            FlatButton {
                objectName: "removeEndpoint_" + endpointRow.index
                text: "Remove"
                onClicked: section.remote.removeEndpoint(endpointRow.index)
            }
        }
    }

    Repeater {
        model: section.remote ? section.remote.models : []
        delegate: ItemDelegate {
            id: modelRow
            required property var modelData
            readonly property bool current: section.chatModel.usingRemote && section.chatModel.modelName === modelData.label
            objectName: "remoteModel_" + modelData.id
            Layout.fillWidth: true
            implicitHeight: 40
            enabled: !section.chat.generating
            hoverEnabled: true
            onClicked: { section.chosen(); section.chatModel.useRemoteModel(modelData.index) }
            background: Rectangle {
                radius: Theme.radiusSmall
                color: modelRow.current ? Theme.accentSoft : modelRow.hovered ? Theme.surfaceAlt : "transparent"
            }
            contentItem: RowLayout {
                spacing: 10
                ColumnLayout {
                    Layout.fillWidth: true
                    spacing: 2
                    Text {
                        Layout.fillWidth: true
                        text: modelRow.modelData.id
                        elide: Text.ElideMiddle
                        color: Theme.text
                        font.pixelSize: Theme.fontSize - 1
                        font.weight: modelRow.current ? Font.DemiBold : Font.Normal
                        font.family: Theme.fontFamily
                    }
                    Text {
                        Layout.fillWidth: true
                        text: modelRow.modelData.endpoint
                              + (modelRow.modelData.contextSize > 0 ? " · " + modelRow.modelData.contextSize + " tokens" : "")
                        elide: Text.ElideRight
                        color: Theme.mutedText
                        font.pixelSize: Theme.smallFontSize
                        font.family: Theme.fontFamily
                    }
                }
                Text { visible: modelRow.current; text: "✓"; color: Theme.accent; font.pixelSize: Theme.fontSize }
            }
        }
    }

    // Adding an endpoint.
    ItemDelegate {
        id: addToggle
        objectName: "remoteAddToggle"
        Layout.fillWidth: true
        implicitHeight: 34
        hoverEnabled: true
        onClicked: form.visible = !form.visible
        background: Rectangle { radius: Theme.radiusSmall; color: addToggle.hovered ? Theme.surfaceAlt : "transparent" }
        contentItem: Text {
            text: form.visible ? "Cancel adding an endpoint" : "Add a remote endpoint…"
            color: Theme.text
            verticalAlignment: Text.AlignVCenter
            font.pixelSize: Theme.fontSize - 1
            font.family: Theme.fontFamily
        }
    }

    ColumnLayout {
        id: form
        objectName: "remoteAddForm"
        visible: false
        Layout.fillWidth: true
        Layout.margins: 8
        spacing: 6
        TextField { id: nameField; objectName: "remoteName"; Layout.fillWidth: true; placeholderText: "Name (e.g. GPU box)" }
        TextField { id: urlField; objectName: "remoteUrl"; Layout.fillWidth: true; placeholderText: "Base URL, e.g. http://192.168.1.20:8080" }
        TextField {
            id: keyField
            objectName: "remoteKey"
            Layout.fillWidth: true
            placeholderText: "API key (optional)"
            echoMode: TextInput.Password
        }
        Text {
            id: formError
            Layout.fillWidth: true
            visible: text !== ""
            wrapMode: Text.Wrap
            color: Theme.danger
            font.pixelSize: Theme.smallFontSize
            font.family: Theme.fontFamily
        }
        FlatButton {
            objectName: "remoteAdd"
            text: "Add endpoint"
            onClicked: {
                formError.text = section.remote.addEndpoint(nameField.text, urlField.text, keyField.text)
                if (formError.text === "") {
                    nameField.text = ""; urlField.text = ""; keyField.text = ""
                    form.visible = false
                }
            }
        }
    }
}
