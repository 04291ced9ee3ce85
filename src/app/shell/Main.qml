import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtQuick.Dialogs
import Hearth.Components
import Hearth.Tools
import Hearth.Models
import Hearth.Server
import Hearth.Chat
import Hearth.Settings
import Hearth

// Hearth's main window: sidebar | top bar, conversation (or empty state), composer.
ApplicationWindow {
    id: window
    width: 1200
    height: 780
    minimumWidth: 760
    minimumHeight: 520
    visible: true
    title: chat.currentConversationId > 0 ? chat.currentTitle + " — Hearth" : "Hearth"
    color: Theme.background
    font.family: Theme.fontFamily

    // The controllers are made and wired in C++ (AppContext): QML only shows them.
    readonly property ChatController chat: App.chat
    readonly property ChatSettingsController chatSettings: App.chatSettings
    readonly property ChatModelController chatModel: App.chatModel
    readonly property ConversationsController conversations: App.conversations
    readonly property AgentController agentController: App.agentController
    readonly property Preferences preferences: App.preferences
    // "", "light" or "dark": overrides the system preference. The saved choice
    // (Settings > Theme); --theme and tests set it directly for one run.
    property string themeMode: preferences.themeMode

    Connections {
        target: window.preferences
        function onThemeChanged() { window.themeMode = window.preferences.themeMode }
    }
    // The Models popup on a tab: 0 the library, 1 Browse (with its suggestions).
    function openModels(tab) { modelsPage.currentTab = tab; browsePopup.open() }

    Binding { target: Theme; property: "forced"; value: window.themeMode }

    // The Basic style's controls (menus, spin boxes, tooltips) draw from the palette.
    palette.window: Theme.surface
    palette.base: Theme.surface
    palette.alternateBase: Theme.surfaceAlt
    palette.text: Theme.text
    palette.windowText: Theme.text
    palette.buttonText: Theme.text
    palette.button: Theme.surfaceAlt
    palette.mid: Theme.border
    palette.dark: Theme.mutedText
    palette.light: Theme.surface
    palette.midlight: Theme.surfaceAlt
    palette.highlight: Theme.accent
    palette.highlightedText: Theme.accentText
    palette.toolTipBase: Theme.surfaceAlt
    palette.toolTipText: Theme.text
    palette.placeholderText: Theme.faintText

    Connections {
        target: window.conversations
        function onPendingDeleteChanged() {
            window.conversations.pendingDeleteTitle !== ""
                ? undoToast.show("Deleted “" + window.conversations.pendingDeleteTitle + "”") : undoToast.hide()
        }
    }
    Connections {
        target: window.chat
        function onErrorMessageChanged() { if (window.chat.errorMessage !== "") errorToast.show(window.chat.errorMessage) }
    }

    Shortcut { sequence: "Ctrl+N"; onActivated: { chat.newChat(); composer.focusInput() } }
    Shortcut { sequence: "Ctrl+F"; onActivated: sidebar.focusSearch() }
    Shortcut { sequence: "Escape"; enabled: chat.generating; onActivated: chat.stop() }
    Shortcut { sequence: "Ctrl+,"; onActivated: settingsDrawer.open() }
    Shortcut { sequence: "Ctrl+O"; onActivated: modelDialog.open() }

    FileDialog {
        id: modelDialog
        title: "Open a GGUF model"
        nameFilters: ["GGUF models (*.gguf)", "All files (*)"]
        onAccepted: chatModel.loadModel(selectedFile)
        onVisibleChanged: if (visible) Qt.callLater(exportDialogs.themeDialogs)
    }
    // Export/import: dialogs, and the file work on a worker thread.
    ExportDialogs {
        id: exportDialogs
        objectName: "exportDialogs"
        exporter: App.exporter
        onFinished: (ok, message, location) => ok ? infoToast.showResult(message, location) : errorToast.show(message)
    }

    // The model manager (library, Hugging Face browser, downloads) over the chat.
    Popup {
        id: browsePopup
        objectName: "modelsPopup"
        parent: Overlay.overlay
        x: 24
        y: 24
        width: window.width - 48
        height: window.height - 48
        modal: true
        padding: 0
        background: Rectangle { radius: Theme.radius; color: Theme.background; border.color: Theme.border }
        contentItem: Item {
            ModelsPage {
                id: modelsPage
                controller: App.models
                anchors.fill: parent
                anchors.margins: 1
                radius: Theme.radius
                onModelChosen: (path) => { browsePopup.close(); chatModel.loadModel(path) }
                onModelLoadRequested: (path) => chatModel.loadModel(path)
            }
            FlatButton {
                anchors.bottom: parent.bottom
                anchors.right: parent.right
                anchors.margins: 20
                text: "Close"
                onClicked: browsePopup.close()
            }
        }
    }

    // The Local server panel (the OpenAI-compatible API for other programs).
    Shortcut { sequence: "Ctrl+Shift+S"; onActivated: serverPopup.open() }
    Popup {
        id: serverPopup
        objectName: "serverPopup"
        parent: Overlay.overlay
        x: 24
        y: 24
        width: window.width - 48
        height: window.height - 48
        modal: true
        padding: 0
        background: Rectangle { radius: Theme.radius; color: Theme.background; border.color: Theme.border }
        contentItem: Item {
            ServerPage {
                id: serverPage
                anchors.fill: parent
                anchors.margins: 1
                radius: Theme.radius
                controller: App.server
                library: App.models.library
                onCopyRequested: (text) => chat.copyText(text)
            }
            FlatButton {
                anchors.bottom: parent.bottom
                anchors.right: parent.right
                anchors.margins: 20
                text: "Close"
                onClicked: serverPopup.close()
            }
        }
    }
    // The Tools settings page (built-in tools, MCP servers); its controller is the chat's tools' (AgentController).
    Shortcut { sequence: "Ctrl+Shift+T"; onActivated: toolsPopup.open() }
    Popup {
        id: toolsPopup
        objectName: "toolsPopup"
        parent: Overlay.overlay
        x: 24
        y: 24
        width: window.width - 48
        height: window.height - 48
        modal: true
        padding: 0
        background: Rectangle { radius: Theme.radius; color: Theme.background; border.color: Theme.border }
        contentItem: Item {
            ToolsPage {
                anchors.fill: parent
                anchors.margins: 1
                radius: Theme.radius
                controller: agentController.tools
            }
            FlatButton {
                anchors.bottom: parent.bottom
                anchors.right: parent.right
                anchors.margins: 20
                text: "Close"
                onClicked: toolsPopup.close()
            }
        }
    }
    // While the local server runs: its URL, and the way back to its panel.
    FlatButton {
        objectName: "serverChip"
        z: 2
        visible: serverPage.controller.running
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        anchors.margins: 8
        outlined: true
        text: "Server: " + serverPage.controller.url
        onClicked: serverPopup.open()
    }

    RowLayout {
        anchors.fill: parent
        spacing: 0

        Sidebar {
            id: sidebar
            Layout.fillHeight: true
            Layout.preferredWidth: collapsed ? collapsedWidth : expandedWidth
            chat: window.chat
            conversations: window.conversations
            onExportRequested: (id, title, format, allBranches) =>
                exportDialogs.exportConversation(id, title, format, allBranches)
        }
        Rectangle { Layout.fillHeight: true; width: 1; color: Theme.border }

        ColumnLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 0

            TopBar {
                Layout.fillWidth: true
                chat: window.chat
                chatModel: window.chatModel
                onOpenModel: modelDialog.open()
                library: App.models.library
                onBrowseModels: window.openModels(1)
                onManageModels: window.openModels(0)
                onOpenServer: serverPopup.open()
                onOpenTools: toolsPopup.open()
                onOpenSettings: settingsDrawer.open()
                onExportCurrent: (format, allBranches) =>
                    exportDialogs.exportConversation(chat.currentConversationId, chat.currentTitle, format, allBranches)
                onExportAll: (format) => exportDialogs.exportAll(format)
                onImportConversations: exportDialogs.importJson()
            }

            Item {
                Layout.fillWidth: true
                Layout.fillHeight: true
                EmptyState {
                    objectName: "emptyState"
                    anchors.fill: parent
                    visible: chat.messages.count === 0
                    chatModel: window.chatModel
                    onOpenModel: modelDialog.open()
                    onBrowseModels: window.openModels(1)
                    onSuggestion: (text) => composer.setText(text)
                }
                MessageView {
                    id: messageView
                    anchors.fill: parent
                    visible: chat.messages.count > 0
                    chat: window.chat
                    chatModel: window.chatModel
                }
            }

            ToolCallsPanel {
                Layout.fillWidth: true
                chat: window.chat
                chatModel: window.chatModel
                agentController: window.agentController
            }

            LoadNotice {
                // As wide as the composer below it.
                Layout.preferredWidth: Math.min(parent.width - 48, Theme.contentWidth)
                Layout.alignment: Qt.AlignHCenter
                Layout.topMargin: visible ? 8 : 0
                chat: window.chat
                chatModel: window.chatModel
            }

            Composer {
                id: composer
                Layout.fillWidth: true
                chat: window.chat
                chatModel: window.chatModel
                agentController: window.agentController
                onScrollKey: (key) => messageView.scrollKey(key)
                onOpenToolsPage: toolsPopup.open()
            }
        }
    }

    SettingsDrawer {
        id: settingsDrawer
        objectName: "settingsDrawer"
        chatSettings: window.chatSettings
        preferences: window.preferences
        height: window.height
    }

    Toast {
        id: undoToast
        objectName: "undoToast"
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.horizontalCenterOffset: sidebar.width / 2
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 96
        actionText: conversations.pendingDeleteTitle !== "" ? "Undo" : ""
        onActionTriggered: conversations.undoDelete()
        onExpired: conversations.commitDelete()
    }
    // Export/import results, with a way to see the file.
    Toast {
        id: infoToast
        objectName: "infoToast"
        property string location: ""
        function showResult(text, where) { location = where; show(text) }
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.horizontalCenterOffset: sidebar.width / 2
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 96
        actionText: location !== "" && !exportDialogs.exporter.busy ? "Show" : ""
        onActionTriggered: Qt.openUrlExternally(exportDialogs.exporter.revealUrl(location))
    }
    // While an export or import runs.
    Toast {
        objectName: "busyToast"
        visible: exportDialogs.exporter.busy
        message: exportDialogs.exporter.busyText
        progress: exportDialogs.exporter.progress
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.horizontalCenterOffset: sidebar.width / 2
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 96
    }
    Toast {
        id: errorToast
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.horizontalCenterOffset: sidebar.width / 2
        anchors.top: parent.top
        anchors.topMargin: 70
        error: true
        timeout: 8000
        onExpired: chat.clearError()
    }

    Component.onCompleted: composer.focusInput()
}
