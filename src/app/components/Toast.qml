import QtQuick
import QtQuick.Controls
import Hearth.Components

// A message at the bottom of the window with an optional action ("Undo").
Rectangle {
    id: toast
    property string message: ""
    property string actionText: ""
    property bool error: false
    property int timeout: 6000
    // 0..1 draws a thin progress line along the bottom; < 0 draws none.
    property real progress: -1
    signal actionTriggered()
    signal expired()

    function show(text) { message = text; visible = true; timer.restart() }
    function hide() { visible = false; timer.stop() }

    visible: false
    implicitWidth: Math.min(row.implicitWidth + 32, 560)
    // The whole message shows (what to do next included): it wraps and the toast grows.
    implicitHeight: Math.max(46, row.implicitHeight + 24)
    radius: Theme.radius
    color: error ? Theme.dangerSoft : (Theme.dark ? "#2c2d35" : "#2b2926")
    border.color: error ? Theme.danger : "transparent"

    // Inset by the corner radius so the line stays inside the rounded shape.
    Rectangle {
        visible: toast.progress >= 0
        anchors.left: parent.left
        anchors.leftMargin: toast.radius
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 4
        height: 3
        radius: 1.5
        width: (parent.width - 2 * toast.radius) * Math.max(0, Math.min(1, toast.progress))
        color: Theme.accent
        Behavior on width { NumberAnimation { duration: 150 } }
    }

    Timer { id: timer; interval: toast.timeout; onTriggered: { toast.visible = false; toast.expired() } }

    Row {
        id: row
        anchors.centerIn: parent
        spacing: 16
        Text {
            anchors.verticalCenter: parent.verticalCenter
            width: Math.min(implicitWidth, 440)
            text: toast.message
            color: toast.error ? Theme.danger : "#f4f2ef"
            font.pixelSize: Theme.fontSize - 1
            font.family: Theme.fontFamily
            wrapMode: Text.Wrap
        }
        FlatButton {
            visible: toast.actionText !== ""
            anchors.verticalCenter: parent.verticalCenter
            text: toast.actionText
            textColor: Theme.accent
            fontSize: Theme.fontSize - 1
            onClicked: { toast.visible = false; timer.stop(); toast.actionTriggered() }
        }
    }
}
