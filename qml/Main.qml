import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

ApplicationWindow {
    id: window
    width: 1100
    height: 720
    visible: true
    title: qsTr("Hearth")
    color: Theme.background

    ColumnLayout {
        anchors.centerIn: parent
        spacing: Theme.spacing

        Label {
            Layout.alignment: Qt.AlignHCenter
            text: qsTr("Hearth")
            color: Theme.text
            font.pixelSize: Theme.titleFontSize * 2
            font.bold: true
        }
        Label {
            Layout.alignment: Qt.AlignHCenter
            text: qsTr("Chat with language models on your own machine")
            color: Theme.mutedText
            font.pixelSize: Theme.fontSize
        }
    }
}
