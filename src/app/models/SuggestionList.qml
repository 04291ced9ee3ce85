import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.Components
import Hearth.Models

// Before any search: curated models that fit this machine, each with its
// fit badge; a click opens its repository's files.
ListView {
    id: list
    property ModelsController controller
    objectName: "suggestionList"
    clip: true
    spacing: 2
    model: controller.suggestions
    ScrollBar.vertical: ScrollBar {}
    header: Text {
        width: ListView.view.width
        padding: 8
        text: list.count > 0 ? qsTr("Suggested for this computer") : qsTr("Search the Hub to find models.")
        color: Theme.mutedText
        font.pixelSize: Theme.smallFontSize
        font.family: Theme.fontFamily
    }
    delegate: ItemDelegate {
        id: pick
        required property string title
        required property string repo
        required property string quant
        required property string sizeText
        required property string blurb
        required property string fit
        required property string fitText
        objectName: "suggestion_" + repo
        width: ListView.view.width
        hoverEnabled: true
        onClicked: list.controller.openRepo(repo)
        background: Rectangle {
            radius: Theme.radiusSmall
            color: pick.repo === list.controller.currentRepo ? Theme.accentSoft
                 : pick.hovered ? Theme.surfaceAlt : "transparent"
        }
        contentItem: ColumnLayout {
            spacing: 3
            RowLayout {
                Layout.fillWidth: true
                Text {
                    Layout.fillWidth: true
                    text: pick.title
                    elide: Text.ElideRight
                    color: Theme.text
                    font.pixelSize: Theme.fontSize
                    font.weight: Font.DemiBold
                    font.family: Theme.fontFamily
                }
                FitBadge { fit: pick.fit; label: pick.fitText }
            }
            Text {
                Layout.fillWidth: true
                text: pick.quant + " · " + pick.sizeText + " — " + pick.blurb
                wrapMode: Text.Wrap
                color: Theme.mutedText
                font.pixelSize: Theme.smallFontSize
                font.family: Theme.fontFamily
            }
        }
    }
}
