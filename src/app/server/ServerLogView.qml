import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.Components
import Hearth.Server

// The local server's request log: one line per answered request, newest at
// the bottom (the view follows it while scrolled to the end).
Rectangle {
    id: view
    property ServerLogModel log
    radius: Theme.radiusSmall
    color: Theme.surface
    border.color: Theme.border

    Text {
        anchors.centerIn: parent
        visible: !view.log || view.log.count === 0
        text: "Requests will appear here."
        color: Theme.faintText
        font.pixelSize: Theme.smallFontSize
        font.family: Theme.fontFamily
    }

    ListView {
        id: list
        objectName: "serverLogList"
        anchors.fill: parent
        anchors.margins: 8
        clip: true
        model: view.log
        spacing: 2
        ScrollBar.vertical: ScrollBar { }
        onCountChanged: if (atYEnd || count < 3) positionViewAtEnd()

        delegate: RowLayout {
            required property string time
            required property string method
            required property string path
            required property int status
            required property real durationMs
            required property string remote
            required property bool ok
            width: ListView.view.width - 12
            spacing: 10
            Text {
                text: parent.time
                color: Theme.faintText
                font.pixelSize: Theme.smallFontSize
                font.family: Theme.monoFamily
            }
            Text {
                Layout.preferredWidth: 40
                text: parent.status
                color: parent.ok ? Theme.success : Theme.danger
                font.pixelSize: Theme.smallFontSize
                font.family: Theme.monoFamily
                font.weight: Font.DemiBold
            }
            Text {
                Layout.fillWidth: true
                text: parent.method + " " + parent.path
                color: Theme.text
                elide: Text.ElideRight
                font.pixelSize: Theme.smallFontSize
                font.family: Theme.monoFamily
            }
            Text {
                text: parent.durationMs >= 1000 ? (parent.durationMs / 1000).toFixed(1) + " s"
                                                : Math.round(parent.durationMs) + " ms"
                color: Theme.mutedText
                font.pixelSize: Theme.smallFontSize
                font.family: Theme.monoFamily
            }
            Text {
                text: parent.remote
                color: Theme.faintText
                font.pixelSize: Theme.smallFontSize
                font.family: Theme.monoFamily
            }
        }
    }
}
