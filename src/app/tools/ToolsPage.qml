import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtQuick.Dialogs
import Hearth.Components
import Hearth.Tools

// The Tools settings page (a ToolsController made by the AgentController):
// the mcpServers JSON with live validation, Save and Import; each server's
// status, tool count and log; the built-in tools' switches and the folders
// the file tools may read.
Rectangle {
    id: page
    objectName: "toolsPage"
    required property ToolsController controller
    color: Theme.background

    FileDialog {
        id: importDialog
        title: "Import an mcpServers config"
        nameFilters: ["JSON files (*.json)", "All files (*)"]
        onAccepted: page.controller.importFile(selectedFile)
    }
    FolderDialog {
        id: rootDialog
        title: "A folder the file tools may read"
        onAccepted: page.controller.addFileRoot(selectedFolder)
    }

    ScrollView {
        anchors.fill: parent
        anchors.margins: 24
        anchors.bottomMargin: 64  // the popup's Close button sits below
        contentWidth: availableWidth
        clip: true

        ColumnLayout {
            width: parent.width
            spacing: 14

            Text {
                text: "Tools"
                color: Theme.text
                font.pixelSize: Theme.titleFontSize
                font.family: Theme.fontFamily
                font.weight: Font.DemiBold
            }
            Text {
                Layout.fillWidth: true
                wrapMode: Text.WordWrap
                text: "Tools the model may call. Nothing runs without your approval, unless you chose "
                      + "\u201cAlways allow\u201d for that tool in that chat."
                color: Theme.mutedText
                font.pixelSize: Theme.smallFontSize
                font.family: Theme.fontFamily
            }

            // --- built-in tools ------------------------------------------
            Text { text: "Built-in tools"; color: Theme.text; font.pixelSize: Theme.fontSize; font.weight: Font.DemiBold }
            Repeater {
                model: page.controller.builtins
                delegate: RowLayout {
                    required property var modelData
                    Layout.fillWidth: true
                    Switch {
                        objectName: "builtin_" + modelData.name
                        checked: modelData.enabled
                        onToggled: page.controller.setBuiltinEnabled(modelData.name, checked)
                    }
                    Text {
                        text: modelData.name
                        color: Theme.text
                        font.pixelSize: Theme.fontSize
                        font.family: Theme.monoFamily
                    }
                    Text {
                        Layout.fillWidth: true
                        elide: Text.ElideRight
                        text: modelData.description + (modelData.confirmEveryTime ? " · asks every time" : "")
                              + (modelData.needsRoots && page.controller.fileRoots.length === 0 ? " · choose a folder first" : "")
                        color: Theme.mutedText
                        font.pixelSize: Theme.smallFontSize
                        font.family: Theme.fontFamily
                    }
                }
            }
            RowLayout {
                Layout.fillWidth: true
                Text {
                    text: "Folders the file tools may read:"
                    color: Theme.mutedText
                    font.pixelSize: Theme.smallFontSize
                    font.family: Theme.fontFamily
                }
                Item { Layout.fillWidth: true }
                FlatButton { text: "Add a folder…"; outlined: true; onClicked: rootDialog.open() }
            }
            Repeater {
                model: page.controller.fileRoots
                delegate: RowLayout {
                    required property string modelData
                    Layout.fillWidth: true
                    Text {
                        Layout.fillWidth: true
                        text: modelData
                        color: Theme.text
                        font.pixelSize: Theme.smallFontSize
                        font.family: Theme.monoFamily
                    }
                    FlatButton { text: "Remove"; onClicked: page.controller.removeFileRoot(modelData) }
                }
            }

            // --- MCP servers ---------------------------------------------
            Text { text: "MCP servers"; color: Theme.text; font.pixelSize: Theme.fontSize; font.weight: Font.DemiBold }
            Repeater {
                model: page.controller.servers
                delegate: Rectangle {
                    id: serverCard
                    required property var modelData
                    property bool showLog: false
                    objectName: "server_" + modelData.name
                    Layout.fillWidth: true
                    implicitHeight: serverColumn.implicitHeight + 20
                    radius: Theme.radiusSmall
                    color: Theme.surface
                    border.color: Theme.border
                    ColumnLayout {
                        id: serverColumn
                        anchors.left: parent.left
                        anchors.right: parent.right
                        anchors.top: parent.top
                        anchors.margins: 10
                        spacing: 6
                        RowLayout {
                            Layout.fillWidth: true
                            Rectangle {
                                width: 10
                                height: 10
                                radius: 5
                                color: serverCard.modelData.state === "running" ? Theme.success
                                       : serverCard.modelData.state === "failed" ? Theme.danger : Theme.accent
                            }
                            Text {
                                text: serverCard.modelData.name
                                color: Theme.text
                                font.pixelSize: Theme.fontSize
                                font.weight: Font.DemiBold
                                font.family: Theme.monoFamily
                            }
                            Text {
                                objectName: "serverStatus"
                                Layout.fillWidth: true
                                text: serverCard.modelData.transport + " · " + serverCard.modelData.state + " · "
                                      + serverCard.modelData.toolCount + " tools"
                                      + (serverCard.modelData.restarts > 0 ? " · restarted " + serverCard.modelData.restarts + "×" : "")
                                color: Theme.mutedText
                                font.pixelSize: Theme.smallFontSize
                                font.family: Theme.fontFamily
                            }
                            FlatButton { text: serverCard.showLog ? "Hide log" : "Log"; onClicked: serverCard.showLog = !serverCard.showLog }
                            FlatButton { text: "Restart"; onClicked: page.controller.restartServer(serverCard.modelData.name) }
                        }
                        Text {
                            visible: serverCard.modelData.error !== ""
                            Layout.fillWidth: true
                            wrapMode: Text.WordWrap
                            text: serverCard.modelData.error
                            color: Theme.danger
                            font.pixelSize: Theme.smallFontSize
                            font.family: Theme.fontFamily
                        }
                        Text {
                            Layout.fillWidth: true
                            wrapMode: Text.WordWrap
                            text: serverCard.modelData.tools
                            color: Theme.mutedText
                            font.pixelSize: 12
                            font.family: Theme.monoFamily
                        }
                        Text {
                            visible: serverCard.showLog
                            Layout.fillWidth: true
                            wrapMode: Text.WrapAnywhere
                            text: serverCard.showLog ? (page.controller.serverLog(serverCard.modelData.name) || "(the log is empty)") : ""
                            color: Theme.text
                            font.pixelSize: 11
                            font.family: Theme.monoFamily
                        }
                    }
                }
            }
            Text {
                visible: page.controller.servers.length === 0
                text: "No MCP server is enabled."
                color: Theme.faintText
                font.pixelSize: Theme.smallFontSize
                font.family: Theme.fontFamily
            }

            // --- the mcpServers JSON -------------------------------------
            RowLayout {
                Layout.fillWidth: true
                Text {
                    Layout.fillWidth: true
                    text: "mcpServers config  ·  " + page.controller.configPath
                    elide: Text.ElideMiddle
                    color: Theme.mutedText
                    font.pixelSize: Theme.smallFontSize
                    font.family: Theme.fontFamily
                }
                FlatButton { text: "Import…"; outlined: true; onClicked: importDialog.open() }
                FlatButton {
                    objectName: "saveConfigButton"
                    text: "Save"
                    accent: true
                    enabled: page.controller.configErrors.length === 0
                    onClicked: page.controller.save(editor.text)
                }
            }
            Rectangle {
                Layout.fillWidth: true
                Layout.preferredHeight: 220
                radius: Theme.radiusSmall
                color: Theme.codeBackground
                border.color: page.controller.configErrors.length > 0 ? Theme.danger : Theme.border
                ScrollView {
                    anchors.fill: parent
                    anchors.margins: 4
                    TextArea {
                        id: editor
                        objectName: "configEditor"
                        text: page.controller.configText
                        color: Theme.text
                        font.family: Theme.monoFamily
                        font.pixelSize: 12
                        wrapMode: TextEdit.NoWrap
                        selectByMouse: true
                        background: null
                        onTextChanged: page.controller.validate(text)
                    }
                }
            }
            Repeater {
                model: page.controller.configErrors
                delegate: Text {
                    required property string modelData
                    Layout.fillWidth: true
                    wrapMode: Text.WordWrap
                    text: modelData
                    color: Theme.danger
                    font.pixelSize: Theme.smallFontSize
                    font.family: Theme.monoFamily
                }
            }
        }
    }
}
