import QtQuick
import QtQuick.Layouts
import Hearth.Components
import Hearth.Models
import Hearth.Chat

// In the chat, above the input: why the last model load failed, and which
// model is still answering. Stays until dismissed or another model loads.
Rectangle {
    id: notice
    objectName: "loadNotice"
    property var chat
    property ChatModelController chatModel
    // With no model at all, the empty state's error card says it already.
    visible: chatModel.loadNotice !== "" && !(chatModel.modelState === ChatModelController.Error && chat.messages.count === 0)
    implicitHeight: visible ? row.implicitHeight + 20 : 0
    color: Theme.dangerSoft
    border.color: Qt.rgba(Theme.danger.r, Theme.danger.g, Theme.danger.b, 0.35)
    radius: Theme.radiusSmall

    RowLayout {
        id: row
        anchors.fill: parent
        anchors.margins: 10
        anchors.leftMargin: 14
        spacing: 10
        Text {
            objectName: "loadNoticeText"
            Layout.fillWidth: true
            text: notice.chatModel.loadNotice
            wrapMode: Text.Wrap
            color: Theme.text
            font.pixelSize: Theme.fontSize - 1
            font.family: Theme.fontFamily
        }
        FlatButton {
            objectName: "dismissLoadNotice"
            text: "Dismiss"
            onClicked: notice.chatModel.dismissLoadNotice()
        }
    }
}
