import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.Components
import Hearth.Models

// The Models page: Library (local models, fit badges, load settings with the
// placement plan, delete) and Browse (Hub search with sort options, a repo's
// GGUF files with planner fit badges, downloads panel); Settings holds the
// Hugging Face token and the model folders. Its ModelsController comes
// from C++ (AppContext, or a test), which also reads its saved settings.
Rectangle {
    id: page
    objectName: "modelsPage"
    required property ModelsController controller
    readonly property ModelsController models: controller
    property int currentTab: 0  // 0 library, 1 browse
    // The user picked a local model to chat with.
    signal modelChosen(string path)
    // Load it, but stay on the page (a finished download's "Load").
    signal modelLoadRequested(string path)
    color: Theme.background

    Connections {
        target: page.controller
        function onErrorOccurred(message) { errorBanner.text = message }
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 24
        spacing: 16

        RowLayout {
            Layout.fillWidth: true
            spacing: 16
            Text {
                text: qsTr("Models")
                color: Theme.text
                font.pixelSize: Theme.titleFontSize + 4
                font.bold: true
                font.family: Theme.fontFamily
            }
            Rectangle {  // segmented tab switch
                implicitWidth: tabs.implicitWidth + 8
                implicitHeight: 36
                radius: Theme.radiusSmall + 2
                color: Theme.surfaceAlt
                Row {
                    id: tabs
                    anchors.centerIn: parent
                    spacing: 4
                    Repeater {
                        model: [qsTr("Library"), qsTr("Browse")]
                        delegate: Rectangle {
                            required property int index
                            required property string modelData
                            width: tabLabel.implicitWidth + 28
                            height: 28
                            radius: Theme.radiusSmall
                            color: page.currentTab === index ? Theme.surface : "transparent"
                            border.color: page.currentTab === index ? Theme.border : "transparent"
                            Text {
                                id: tabLabel
                                anchors.centerIn: parent
                                text: modelData + (index === 0 && models.library.count > 0 ? "  " + models.library.count : "")
                                color: page.currentTab === index ? Theme.text : Theme.mutedText
                                font.pixelSize: Theme.fontSize
                                font.bold: page.currentTab === index
                                font.family: Theme.fontFamily
                            }
                            MouseArea {
                                anchors.fill: parent
                                cursorShape: Qt.PointingHandCursor
                                onClicked: page.currentTab = index
                            }
                        }
                    }
                }
            }
            // Takes the room left and elides, so the buttons stay in at 760 px.
            Text {
                Layout.fillWidth: true
                Layout.minimumWidth: 0
                horizontalAlignment: Text.AlignRight
                elide: Text.ElideRight
                text: models.memorySummary
                color: Theme.faintText
                font.pixelSize: Theme.smallFontSize
                font.family: Theme.fontFamily
            }
            ModelsButton {
                objectName: "modelsSettingsButton"
                text: qsTr("Settings")
                onClicked: settingsDialog.open()
            }
        }

        Rectangle {  // the last error, dismissable
            id: errorBanner
            property string text: ""
            Layout.fillWidth: true
            visible: text !== ""
            implicitHeight: 38
            radius: Theme.radiusSmall
            color: Theme.dangerSoft
            RowLayout {
                anchors.fill: parent
                anchors.leftMargin: 12
                anchors.rightMargin: 6
                Text {
                    Layout.fillWidth: true
                    text: errorBanner.text
                    elide: Text.ElideRight
                    color: Theme.danger
                    font.pixelSize: Theme.smallFontSize + 1
                    font.family: Theme.fontFamily
                }
                ModelsButton { text: qsTr("Dismiss"); onClicked: errorBanner.text = "" }
            }
        }

        StackLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            currentIndex: page.currentTab

            LibraryTab {
                controller: models
                onDeleteRequested: function (row, name) { confirmDelete.ask(row, name) }
                onUseRequested: function (path) { page.modelChosen(path) }
            }
            BrowseTab {
                controller: models
                onLoadRequested: (path) => page.modelLoadRequested(path)
                onUseRequested: (path) => page.modelChosen(path)
            }
        }
    }

    ModelsSettingsDialog {
        id: settingsDialog
        objectName: "modelsSettingsDialog"
        controller: models
        anchors.centerIn: parent
    }

    Dialog {
        id: confirmDelete
        objectName: "confirmDelete"
        property int row: -1
        property string modelName: ""
        function ask(r, name) { row = r; modelName = name; open() }
        anchors.centerIn: parent
        modal: true
        width: 440
        padding: 20
        background: Rectangle { color: Theme.surface; radius: Theme.radius; border.color: Theme.border }
        header: Text {
            leftPadding: 20
            topPadding: 18
            text: qsTr("Delete model?")
            color: Theme.text
            font.pixelSize: Theme.titleFontSize - 2
            font.bold: true
            font.family: Theme.fontFamily
        }
        contentItem: Text {
            wrapMode: Text.Wrap
            text: qsTr("“%1” will be removed from disk. This cannot be undone.").arg(confirmDelete.modelName)
            color: Theme.mutedText
            font.pixelSize: Theme.fontSize
            font.family: Theme.fontFamily
        }
        footer: Row {
            layoutDirection: Qt.RightToLeft
            rightPadding: 20
            bottomPadding: 18
            spacing: 8
            ModelsButton { text: qsTr("Delete"); primary: true; onClicked: confirmDelete.accept() }
            ModelsButton { text: qsTr("Cancel"); onClicked: confirmDelete.reject() }
        }
        onAccepted: models.deleteModel(row)
    }
}
