import QtQuick
import QtQuick.Layouts
import Hearth.Components
import Hearth.Models

// One local model: name, details, fit badge, memory need, Chat and Delete;
// "Load settings" opens its context/KV/GPU-layer settings and their plan.
Rectangle {
    id: card
    property ModelsController controller
    property bool expanded: false
    objectName: "libraryCard_" + name
    signal deleteRequested()
    signal useRequested()
    // Row data (from ModelLibraryModel roles).
    required property string name
    required property string path
    required property string architecture
    required property string parametersText
    required property string quant
    required property int contextLength
    required property string sizeText
    required property bool hasTemplate
    required property string memoryText
    required property string fit
    required property string fitText
    required property string error
    required property int fileCount

    implicitHeight: column.implicitHeight + 2 * Theme.spacing
    radius: Theme.radius
    color: Theme.surface
    border.color: Theme.border

    ColumnLayout {
        id: column
        anchors.fill: parent
        anchors.margins: Theme.spacing
        spacing: 8

        RowLayout {
            Layout.fillWidth: true
            spacing: 10
            Text {
                Layout.fillWidth: true
                text: card.name
                elide: Text.ElideMiddle
                color: Theme.text
                font.pixelSize: Theme.fontSize + 1
                font.bold: true
                font.family: Theme.fontFamily
            }
            FitBadge { fit: card.fit; label: card.fitText }
            ModelsButton {
                objectName: "useModelButton"
                text: qsTr("Chat")
                primary: true
                visible: card.error === ""
                onClicked: card.useRequested()
            }
            ModelsButton {
                objectName: "loadSettingsButton"
                text: card.expanded ? qsTr("Hide settings") : qsTr("Load settings")
                visible: card.error === "" && card.controller !== null
                onClicked: card.expanded = !card.expanded
            }
            ModelsButton { text: qsTr("Delete"); danger: true; onClicked: card.deleteRequested() }
        }
        Flow {
            Layout.fillWidth: true
            spacing: 6
            visible: card.error === ""
            InfoPill { text: card.architecture }
            InfoPill { text: card.parametersText !== "" ? card.parametersText + qsTr(" params") : "" }
            InfoPill { text: card.quant }
            InfoPill { text: card.contextLength > 0 ? card.contextLength.toLocaleString(Qt.locale(), "f", 0) + qsTr(" ctx") : "" }
            InfoPill { text: card.sizeText }
            InfoPill { text: card.fileCount > 1 ? card.fileCount + qsTr(" shards") : "" }
            InfoPill { text: card.hasTemplate ? qsTr("chat template") : qsTr("no chat template") }
        }
        Text {
            Layout.fillWidth: true
            text: card.error !== "" ? card.error
                                    : qsTr("Needs about %1 · %2").arg(card.memoryText).arg(card.path)
            color: card.error !== "" ? Theme.danger : Theme.faintText
            elide: Text.ElideMiddle
            font.pixelSize: Theme.smallFontSize
            font.family: Theme.fontFamily
        }
        Loader {
            Layout.fillWidth: true
            active: card.expanded
            visible: active
            sourceComponent: ModelPlanPanel {
                objectName: "modelPlanPanel"
                controller: card.controller
                path: card.path
            }
        }
    }
}
