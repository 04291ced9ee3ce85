import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.Components
import Hearth.Server

// The Local server panel: an OpenAI-compatible server for other programs
// (Cherry Studio, Open WebUI, scripts) on the chosen model. A toggle starts
// and stops it; host, port and an optional API key apply at the next start;
// the base URL to paste into clients shows while it runs, with the request log.
// Its ServerController comes from C++ (AppContext, or a test), so the server
// keeps running while the panel is closed.
Rectangle {
    id: page
    objectName: "serverPage"
    required property ServerController controller
    readonly property ServerController server: controller
    property var library: null          // ModelLibraryModel: the models to choose from
    signal copyRequested(string text)
    color: Theme.background

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 24
        spacing: 14

        RowLayout {
            Layout.fillWidth: true
            spacing: 12
            Text {
                Layout.fillWidth: true
                text: "Local server"
                color: Theme.text
                font.pixelSize: Theme.titleFontSize
                font.family: Theme.fontFamily
                font.weight: Font.DemiBold
            }
            BusyIndicator {
                visible: server.busy
                running: visible
                implicitWidth: 24
                implicitHeight: 24
            }
            Switch {
                id: toggle
                objectName: "serverToggle"
                checked: server.running || server.state === ServerController.Starting
                enabled: !server.busy || server.state === ServerController.Starting
                onToggled: server.setEnabled(checked)
            }
        }

        Text {
            Layout.fillWidth: true
            wrapMode: Text.WordWrap
            text: "Serves the OpenAI API (chat completions with streaming and tool calls, completions, models) "
                  + "so that any OpenAI-compatible client can use a model from your library."
            color: Theme.mutedText
            font.pixelSize: Theme.smallFontSize
            font.family: Theme.fontFamily
        }

        GridLayout {
            Layout.fillWidth: true
            columns: 4
            columnSpacing: 12
            rowSpacing: 8
            enabled: !server.running && !server.busy

            Text { text: "Model"; color: Theme.text; font.pixelSize: Theme.fontSize - 1; font.family: Theme.fontFamily }
            ComboBox {
                id: modelBox
                objectName: "serverModelBox"
                enabled: !server.useChatModel
                Layout.columnSpan: 3
                Layout.fillWidth: true
                model: page.library
                textRole: "name"
                valueRole: "path"
                displayText: currentIndex >= 0 ? currentText
                           : server.modelPath !== "" ? server.modelPath.split("/").pop() : "Choose a model"
                // The chosen file's row (AppContext preselects the chat's model).
                currentIndex: count >= 0 ? indexOfValue(server.modelPath) : -1
                onActivated: server.modelPath = currentValue
            }

            CheckBox {
                objectName: "serverUseChatModel"
                Layout.columnSpan: 4
                text: "Serve the chat's loaded model (one copy: chat and API requests take turns)"
                checked: server.useChatModel
                onToggled: server.useChatModel = checked
            }

            Text { text: "Host"; color: Theme.text; font.pixelSize: Theme.fontSize - 1; font.family: Theme.fontFamily }
            TextField {
                objectName: "serverHost"
                Layout.fillWidth: true
                text: server.host
                onEditingFinished: server.host = text
            }
            Text { text: "Port"; color: Theme.text; font.pixelSize: Theme.fontSize - 1; font.family: Theme.fontFamily }
            TextField {
                objectName: "serverPort"
                Layout.preferredWidth: 90
                text: server.port
                validator: IntValidator { bottom: 0; top: 65535 }
                onEditingFinished: server.port = parseInt(text)
            }

            Text { text: "API key"; color: Theme.text; font.pixelSize: Theme.fontSize - 1; font.family: Theme.fontFamily }
            TextField {
                objectName: "serverApiKey"
                Layout.columnSpan: 3
                Layout.fillWidth: true
                placeholderText: "optional: clients then send Authorization: Bearer <key>"
                echoMode: TextInput.PasswordEchoOnEdit
                text: server.apiKey
                onEditingFinished: server.apiKey = text
            }
        }

        Text {
            Layout.fillWidth: true
            visible: server.exposed
            wrapMode: Text.WordWrap
            text: server.apiKey === ""
                  ? "This address lets other machines on your network use the server, with no API key."
                  : "This address lets other machines on your network use the server."
            color: Theme.danger
            font.pixelSize: Theme.smallFontSize
            font.family: Theme.fontFamily
        }

        ProgressBar {
            Layout.fillWidth: true
            visible: server.state === ServerController.Starting
            value: server.loadProgress
        }

        Rectangle {
            Layout.fillWidth: true
            implicitHeight: urlRow.implicitHeight + 20
            visible: server.running
            radius: Theme.radiusSmall
            color: Theme.accentSoft
            RowLayout {
                id: urlRow
                anchors.fill: parent
                anchors.margins: 10
                Text {
                    objectName: "serverUrl"
                    Layout.fillWidth: true
                    text: server.url
                    color: Theme.text
                    font.pixelSize: Theme.fontSize
                    font.family: Theme.monoFamily
                    elide: Text.ElideMiddle
                }
                Text {
                    objectName: "serverServedModel"
                    text: "model: " + server.servedModel
                          + (server.sharesChatModel ? " (the chat's copy, shared)" : " (its own copy)")
                    color: Theme.mutedText
                    font.pixelSize: Theme.smallFontSize
                    font.family: Theme.fontFamily
                }
                FlatButton {
                    text: "Copy URL"
                    outlined: true
                    onClicked: page.copyRequested(server.url)
                }
            }
        }

        Text {
            Layout.fillWidth: true
            visible: server.state === ServerController.Error
            wrapMode: Text.WordWrap
            text: server.error
            color: Theme.danger
            font.pixelSize: Theme.smallFontSize
            font.family: Theme.fontFamily
        }

        RowLayout {
            Layout.fillWidth: true
            Text {
                Layout.fillWidth: true
                text: "Requests"
                color: Theme.text
                font.pixelSize: Theme.fontSize - 1
                font.family: Theme.fontFamily
                font.weight: Font.DemiBold
            }
            FlatButton {
                text: "Clear"
                enabled: server.log.count > 0
                onClicked: server.log.clear()
            }
        }
        ServerLogView {
            Layout.fillWidth: true
            Layout.fillHeight: true
            log: server.log
        }
    }
}
