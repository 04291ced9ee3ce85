import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.Components
import Hearth.Models

// One GGUF model of a repository: quant, size, shards, fit badge, Download.
Rectangle {
    id: row
    required property string name
    required property string quant
    required property string sizeText
    required property int shardCount
    required property string fit
    required property string fitText
    required property bool downloaded
    required property bool isProjector
    required property bool planned
    required property bool planPending
    required property string fitDetail
    signal downloadClicked()

    implicitHeight: 56
    radius: Theme.radiusSmall
    color: Theme.surface
    border.color: Theme.border

    RowLayout {
        anchors.fill: parent
        anchors.leftMargin: 12
        anchors.rightMargin: 10
        spacing: 10
        Rectangle {
            Layout.preferredWidth: 78
            Layout.preferredHeight: 26
            radius: 6
            color: Theme.accentSoft
            Text {
                anchors.centerIn: parent
                text: row.quant !== "" ? row.quant : "—"
                color: Theme.accent
                font.pixelSize: Theme.smallFontSize
                font.bold: true
                font.family: Theme.monoFamily
            }
        }
        ColumnLayout {
            Layout.fillWidth: true
            spacing: 2
            Text {
                Layout.fillWidth: true
                text: row.name
                elide: Text.ElideMiddle
                color: Theme.text
                font.pixelSize: Theme.fontSize
                font.family: Theme.fontFamily
            }
            Text {
                Layout.fillWidth: true
                text: row.sizeText + (row.shardCount > 1 ? qsTr(" · %1 shards").arg(row.shardCount) : "")
                      + (row.isProjector ? qsTr(" · vision projector") : " · " + row.fitDetail)
                elide: Text.ElideRight
                color: Theme.mutedText
                font.pixelSize: Theme.smallFontSize
                font.family: Theme.fontFamily
            }
        }
        FitBadge {
            objectName: "hubFitBadge"
            fit: row.fit
            label: row.fitText
            ToolTip.visible: badgeHover.hovered
            ToolTip.text: row.fitDetail
            HoverHandler { id: badgeHover }
        }
        ModelsButton {
            text: row.downloaded ? qsTr("Downloaded") : qsTr("Download")
            primary: !row.downloaded
            enabled: !row.downloaded
            onClicked: row.downloadClicked()
        }
    }
}
