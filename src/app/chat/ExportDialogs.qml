import QtQuick
import QtQuick.Dialogs
import Hearth.Components
import Hearth.Models
import Hearth.Chat

// The export/import menu's dialogs: a save dialog per export, a folder dialog
// for "all conversations as Markdown", an open dialog for imports. The file
// work runs on ExportController's worker thread; `finished` reports it.
Item {
    id: root
    required property ExportController exporter  // made and wired in C++ (AppContext)
    property string lastFolder: exporter.documentsFolder()
    // What the open save dialog is for.
    property var pending: ({})

    signal finished(bool ok, string message, string location)

    // Also for the window's other file dialogs (Open a model).
    function themeDialogs() { dialogTheme.apply() }

    // One conversation: format "md" or "json"; allBranches for Markdown.
    function exportConversation(conversationId, title, format, allBranches) {
        pending = { all: false, conversationId: conversationId, title: title, format: format, allBranches: allBranches }
        saveDialog.title = format === "json" ? "Export “" + title + "” as JSON"
                         : allBranches ? "Export “" + title + "” as Markdown (all branches)"
                                       : "Export “" + title + "” as Markdown"
        saveDialog.nameFilters = format === "json" ? ["JSON (*.json)"] : ["Markdown (*.md)"]
        saveDialog.defaultSuffix = format
        saveDialog.currentFolder = lastFolder
        saveDialog.currentFile = lastFolder + "/" + exporter.suggestedFileName(conversationId, title, format)
        saveDialog.open()
    }
    // Every conversation: JSON into one file, Markdown into a folder.
    function exportAll(format) {
        pending = { all: true, format: format, allBranches: false }
        if (format === "md") {
            folderDialog.currentFolder = lastFolder
            folderDialog.open()
            return
        }
        saveDialog.title = "Export all conversations as JSON"
        saveDialog.nameFilters = ["JSON (*.json)"]
        saveDialog.defaultSuffix = "json"
        saveDialog.currentFolder = lastFolder
        saveDialog.currentFile = lastFolder + "/hearth-conversations.json"
        saveDialog.open()
    }
    function importJson() {
        importDialog.currentFolder = lastFolder
        importDialog.open()
    }

    // The dialogs' accepted handlers, callable directly (tests).
    function saveTo(fileUrl) {
        lastFolder = exporter.folderOf(fileUrl)
        if (pending.all) return exporter.exportAll(fileUrl, pending.format, false)
        return exporter.exportConversation(pending.conversationId, pending.title, fileUrl, pending.format,
                                           pending.allBranches)
    }
    function saveAllInto(folderUrl) {
        lastFolder = folderUrl
        return exporter.exportAll(folderUrl, "md", false)
    }
    function importFrom(fileUrl) {
        lastFolder = exporter.folderOf(fileUrl)
        return exporter.importJson(fileUrl)
    }

    // Qt's own dialogs leave their folder bar white: the theme's colour instead.
    DialogTheme {
        id: dialogTheme
        window: root.Window.window
        background: Theme.surface
    }

    Connections {
        target: root.exporter
        function onFinished(ok, message, location) { root.finished(ok, message, location) }
    }

    FileDialog {
        id: saveDialog
        onVisibleChanged: if (visible) Qt.callLater(dialogTheme.apply)
        objectName: "exportSaveDialog"
        fileMode: FileDialog.SaveFile
        acceptLabel: "Export"
        onAccepted: root.saveTo(selectedFile)
    }
    FolderDialog {
        id: folderDialog
        onVisibleChanged: if (visible) Qt.callLater(dialogTheme.apply)
        objectName: "exportFolderDialog"
        title: "Export all conversations as Markdown into a folder"
        acceptLabel: "Export here"
        onAccepted: root.saveAllInto(selectedFolder)
    }
    FileDialog {
        id: importDialog
        onVisibleChanged: if (visible) Qt.callLater(dialogTheme.apply)
        objectName: "importDialog"
        title: "Import conversations from a Hearth JSON export"
        fileMode: FileDialog.OpenFile
        acceptLabel: "Import"
        nameFilters: ["Hearth JSON export (*.json)", "All files (*)"]
        onAccepted: root.importFrom(selectedFile)
    }
}
