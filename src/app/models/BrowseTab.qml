import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.Components
import Hearth.Models

// The Browse tab: Hub search results | the selected repo's GGUF files, with
// the downloads panel below.
Item {
    id: tab
    property ModelsController controller
    signal loadRequested(string path)  // a finished download's "Load"
    signal useRequested(string path)   // its "Chat with it"

    ColumnLayout {
        anchors.fill: parent
        spacing: 12

        RowLayout {
            Layout.fillWidth: true
            spacing: 8
            Rectangle {
                Layout.fillWidth: true
                implicitHeight: 38
                radius: Theme.radiusSmall
                color: Theme.surface
                border.color: query.activeFocus ? Theme.accent : Theme.border
                TextInput {
                    id: query
                    objectName: "hubSearchField"
                    anchors.fill: parent
                    anchors.leftMargin: 12
                    anchors.rightMargin: 12
                    verticalAlignment: TextInput.AlignVCenter
                    color: Theme.text
                    font.pixelSize: Theme.fontSize
                    font.family: Theme.fontFamily
                    clip: true
                    onAccepted: tab.controller.search(text)
                    Text {
                        anchors.verticalCenter: parent.verticalCenter
                        visible: query.text === ""
                        text: qsTr("Search GGUF models on Hugging Face (e.g. qwen, llama, phi)")
                        color: Theme.faintText
                        font: query.font
                    }
                }
            }
            ModelsComboBox {
                id: sortBox
                objectName: "hubSortBox"
                implicitHeight: 38
                implicitWidth: 170
                model: [
                    { text: qsTr("Most downloads"), value: "downloads" },
                    { text: qsTr("Most likes"), value: "likes" },
                    { text: qsTr("Trending"), value: "trendingScore" },
                    { text: qsTr("Recently updated"), value: "lastModified" }
                ]
                Component.onCompleted: currentIndex = indexOfValue(tab.controller.searchSort)
                onActivated: tab.controller.searchSort = currentValue
                Connections {
                    target: tab.controller
                    function onSearchSortChanged() { sortBox.currentIndex = sortBox.indexOfValue(tab.controller.searchSort) }
                }
            }
            ModelsButton {
                text: tab.controller.searching ? qsTr("Searching…") : qsTr("Search")
                primary: true
                implicitHeight: 38
                onClicked: tab.controller.search(query.text)
            }
        }

        RowLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 12

            Rectangle {  // search results
                Layout.preferredWidth: Math.max(280, tab.width * 0.38)
                Layout.fillHeight: true
                radius: Theme.radius
                color: Theme.surface
                border.color: Theme.border
                ListView {
                    id: results
                    anchors.fill: parent
                    anchors.margins: 6
                    clip: true
                    spacing: 2
                    model: tab.controller.searchResults
                    ScrollBar.vertical: ScrollBar {}
                    delegate: RepoRow {
                        required property string repoId
                        width: ListView.view.width
                        selected: repoId === tab.controller.currentRepo
                        onClicked: tab.controller.openRepo(repoId)
                    }
                }
                SuggestionList {
                    anchors.fill: parent
                    anchors.margins: 6
                    controller: tab.controller
                    visible: results.count === 0 && !tab.controller.searching && tab.controller.lastQuery === ""
                             && tab.controller.searchError === ""
                }
                Text {
                    anchors.centerIn: parent
                    width: parent.width - 40
                    horizontalAlignment: Text.AlignHCenter
                    wrapMode: Text.Wrap
                    visible: results.count === 0 && (tab.controller.searching || tab.controller.lastQuery !== ""
                                                     || tab.controller.searchError !== "")
                    text: tab.controller.searching ? qsTr("Searching…")
                        : tab.controller.searchError !== "" ? tab.controller.searchError
                        : tab.controller.lastQuery !== "" ? qsTr("No GGUF models match “%1”.").arg(tab.controller.lastQuery)
                        : qsTr("Search the Hub to find models.")
                    color: tab.controller.searchError !== "" ? Theme.danger : Theme.mutedText
                    font.pixelSize: Theme.fontSize
                    font.family: Theme.fontFamily
                }
            }

            ColumnLayout {  // the selected repository's files
                Layout.fillWidth: true
                Layout.fillHeight: true
                spacing: 8
                RowLayout {
                    Layout.fillWidth: true
                    visible: tab.controller.currentRepo !== ""
                    Text {
                        Layout.fillWidth: true
                        text: tab.controller.currentRepo
                        elide: Text.ElideMiddle
                        color: Theme.text
                        font.pixelSize: Theme.fontSize + 2
                        font.bold: true
                        font.family: Theme.fontFamily
                    }
                    Text {
                        text: tab.controller.currentRevision !== "" ? "@ " + tab.controller.currentRevision.substring(0, 10) : ""
                        color: Theme.faintText
                        font.pixelSize: Theme.smallFontSize
                        font.family: Theme.monoFamily
                    }
                }
                ListView {
                    id: files
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    clip: true
                    spacing: 6
                    model: tab.controller.repoFiles
                    ScrollBar.vertical: ScrollBar {}
                    delegate: HubFileRow {
                        required property int index
                        width: ListView.view.width
                        onDownloadClicked: tab.controller.download(index)
                    }
                    Text {
                        anchors.centerIn: parent
                        width: parent.width - 40
                        horizontalAlignment: Text.AlignHCenter
                        wrapMode: Text.Wrap
                        visible: files.count === 0
                        text: tab.controller.loadingFiles ? qsTr("Listing files…")
                            : tab.controller.repoError !== "" ? tab.controller.repoError
                            : qsTr("Pick a repository to see its GGUF files.")
                        color: tab.controller.repoError !== "" ? Theme.danger : Theme.mutedText
                        font.pixelSize: Theme.fontSize
                        font.family: Theme.fontFamily
                    }
                }
            }
        }

        ColumnLayout {  // downloads panel
            Layout.fillWidth: true
            visible: tab.controller.downloads.count > 0
            spacing: 6
            RowLayout {
                Layout.fillWidth: true
                Text {
                    Layout.fillWidth: true
                    text: qsTr("Downloads") + (tab.controller.downloads.activeCount > 0
                                               ? qsTr(" · %1 active").arg(tab.controller.downloads.activeCount) : "")
                    color: Theme.text
                    font.pixelSize: Theme.fontSize
                    font.bold: true
                    font.family: Theme.fontFamily
                }
                ModelsButton { text: qsTr("Clear finished"); onClicked: tab.controller.downloads.clearFinished() }
            }
            ListView {
                Layout.fillWidth: true
                Layout.preferredHeight: Math.min(contentHeight, 200)
                clip: true
                spacing: 6
                model: tab.controller.downloads
                delegate: DownloadRow {
                    required property int index
                    width: ListView.view.width
                    onPauseClicked: tab.controller.downloads.pause(index)
                    onResumeClicked: tab.controller.downloads.resume(index)
                    onCancelClicked: tab.controller.downloads.cancel(index)
                    onLoadClicked: (path) => tab.loadRequested(path)
                    onChatClicked: (path) => tab.useRequested(path)
                }
            }
        }
    }
}
