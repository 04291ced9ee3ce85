import QtQuick
import QtQuick.Layouts
import Hearth.Components
import Hearth.Models

// One Hub search result: repo id, downloads, likes, last update, gated.
Rectangle {
    id: row
    required property string author
    required property string repoName
    required property string downloadsText
    required property int likes
    required property string updatedText
    required property bool gated
    property bool selected: false
    signal clicked()

    implicitHeight: 58
    radius: Theme.radiusSmall
    color: selected ? Theme.accentSoft : mouse.containsMouse ? Theme.surfaceAlt : "transparent"

    ColumnLayout {
        anchors.fill: parent
        anchors.leftMargin: 12
        anchors.rightMargin: 12
        spacing: 3
        RowLayout {
            Layout.fillWidth: true
            spacing: 6
            Text {
                Layout.fillWidth: true
                text: (row.author !== "" ? "<font color='" + Theme.mutedText + "'>" + row.author + "/</font>" : "")
                      + row.repoName
                textFormat: Text.StyledText
                elide: Text.ElideRight
                color: Theme.text
                font.pixelSize: Theme.fontSize
                font.bold: true
                font.family: Theme.fontFamily
            }
            InfoPill { text: row.gated ? qsTr("gated") : "" }
        }
        Text {
            text: qsTr("↓ %1   ♥ %2").arg(row.downloadsText).arg(row.likes)
                  + (row.updatedText !== "" ? qsTr("   updated %1").arg(row.updatedText) : "")
            color: Theme.mutedText
            font.pixelSize: Theme.smallFontSize
            font.family: Theme.fontFamily
        }
    }
    MouseArea {
        id: mouse
        anchors.fill: parent
        hoverEnabled: true
        cursorShape: Qt.PointingHandCursor
        onClicked: row.clicked()
    }
}
