import QtQuick
import QtQuick.Layouts
import Hearth.Components
import Hearth.Models

// One download: name, progress bar, bytes, speed, ETA, pause/resume/cancel;
// once done, "Load" (and stay here) or "Chat with it".
Rectangle {
    id: row
    required property string name
    required property real progress
    required property string bytesText
    required property string speedText
    required property string etaText
    required property int downloadState
    required property string status
    required property string error
    required property bool canPause
    required property bool canResume
    required property bool canCancel
    required property string modelPath
    signal pauseClicked()
    signal loadClicked(string path)
    signal chatClicked(string path)
    signal resumeClicked()
    signal cancelClicked()

    implicitHeight: column.implicitHeight + 20
    radius: Theme.radiusSmall
    color: Theme.surface
    border.color: Theme.border

    ColumnLayout {
        id: column
        anchors.fill: parent
        anchors.margins: 10
        spacing: 6
        RowLayout {
            Layout.fillWidth: true
            Text {
                Layout.fillWidth: true
                text: row.name
                elide: Text.ElideMiddle
                color: Theme.text
                font.pixelSize: Theme.fontSize - 1
                font.bold: true
                font.family: Theme.fontFamily
            }
            ModelsButton { visible: row.canPause; text: qsTr("Pause"); onClicked: row.pauseClicked() }
            ModelsButton { visible: row.canResume; text: qsTr("Resume"); onClicked: row.resumeClicked() }
            ModelsButton { visible: row.canCancel; text: qsTr("Cancel"); danger: true; onClicked: row.cancelClicked() }
            ModelsButton {
                objectName: "downloadLoadButton"
                visible: row.modelPath !== ""
                text: qsTr("Load")
                onClicked: row.loadClicked(row.modelPath)
            }
            ModelsButton {
                objectName: "downloadChatButton"
                visible: row.modelPath !== ""
                primary: true
                text: qsTr("Chat with it")
                onClicked: row.chatClicked(row.modelPath)
            }
        }
        Rectangle {
            Layout.fillWidth: true
            implicitHeight: 6
            radius: 3
            color: Theme.surfaceAlt
            Rectangle {
                width: parent.width * Math.max(0, Math.min(1, row.progress))
                height: parent.height
                radius: 3
                color: row.downloadState === Download.Failed ? Theme.danger
                     : row.downloadState === Download.Completed ? Theme.success
                     : row.downloadState === Download.Paused ? Theme.faintText : Theme.accent
            }
        }
        Text {
            Layout.fillWidth: true
            text: row.error !== "" ? row.error
                : [Math.round(row.progress * 100) + "%",
                   row.bytesText,
                   row.speedText,
                   row.etaText !== "" ? qsTr("%1 left").arg(row.etaText) : "",
                   row.status].filter(function (s) { return s !== "" }).join("  ·  ")
            wrapMode: Text.Wrap
            color: row.error !== "" ? Theme.danger : Theme.mutedText
            font.pixelSize: Theme.smallFontSize
            font.family: Theme.fontFamily
        }
    }
}
