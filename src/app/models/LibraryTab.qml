import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtQuick.Dialogs
import Hearth.Components
import Hearth.Models

// The Library tab: local models as cards, or an empty state.
Item {
    id: tab
    property ModelsController controller
    signal deleteRequested(int row, string name)
    signal useRequested(string path)

    ColumnLayout {
        anchors.fill: parent
        spacing: 10
        RowLayout {
            Layout.fillWidth: true
            Text {
                Layout.fillWidth: true
                text: tab.controller.modelDirs.length > 0 ? qsTr("In %1").arg(tab.controller.modelDirs.join(", ")) : ""
                elide: Text.ElideMiddle
                color: Theme.mutedText
                font.pixelSize: Theme.smallFontSize
                font.family: Theme.fontFamily
            }
            ModelsButton { text: qsTr("Import…"); onClicked: importDialog.open() }
            ModelsButton { text: tab.controller.scanning ? qsTr("Scanning…") : qsTr("Rescan"); onClicked: tab.controller.rescan() }
        }
        ListView {
            id: list
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            spacing: 10
            model: tab.controller.library
            ScrollBar.vertical: ScrollBar {}
            delegate: LibraryCard {
                required property int index
                width: ListView.view.width
                controller: tab.controller
                onDeleteRequested: tab.deleteRequested(index, name)
                onUseRequested: tab.useRequested(path)
            }
        }
    }
    FileDialog {
        id: importDialog
        title: qsTr("Import a GGUF model (linked, not copied)")
        nameFilters: [qsTr("GGUF models (*.gguf)")]
        onAccepted: tab.controller.importModel(selectedFile, false)
    }
    Column {
        anchors.centerIn: parent
        visible: list.count === 0 && !tab.controller.scanning
        spacing: 8
        Text {
            anchors.horizontalCenter: parent.horizontalCenter
            text: qsTr("No models yet")
            color: Theme.text
            font.pixelSize: Theme.titleFontSize
            font.family: Theme.fontFamily
        }
        Text {
            anchors.horizontalCenter: parent.horizontalCenter
            text: qsTr("Find one in the Browse tab, or put .gguf files in the models folder.")
            color: Theme.mutedText
            font.pixelSize: Theme.fontSize
            font.family: Theme.fontFamily
        }
    }
}
