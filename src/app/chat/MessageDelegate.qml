import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.Components
import Hearth.Models
import Hearth.Chat

// One message. User turns are bubbles on the right; replies are full-width
// Markdown with their thinking block, tool-call cards, stats and actions.
Item {
    id: root
    required property var model
    required property int index
    property var chat
    property ChatModelController chatModel

    readonly property bool isUser: model.role === Message.User
    readonly property bool isTool: model.role === Message.Tool
    readonly property bool streaming: model.state === Message.Streaming
    readonly property bool interrupted: model.state === Message.Interrupted
    readonly property var toolCalls: model.toolCalls ? JSON.parse(model.toolCalls) : []
    readonly property var toolResults: model.toolResults ? JSON.parse(model.toolResults) : []
    property bool editing: false
    property bool reasoningOpen: streaming && model.content === ""
    // A search hit opened from the sidebar marks the query's words.
    readonly property string highlight: chat && model.messageId === chat.messages.highlightId ? chat.messages.highlightText : ""
    readonly property color highlightColor: Theme.dark ? "#7a4326" : "#f7c6a5"

    implicitHeight: column.implicitHeight + (isUser ? 4 : 14)

    HoverHandler { id: hover }

    ColumnLayout {
        id: column
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.top: parent.top
        width: Math.min(root.width - 48, Theme.contentWidth)
        spacing: 8

        // ---- user message -------------------------------------------------
        Rectangle {
            visible: root.isUser && !root.editing
            Layout.alignment: Qt.AlignRight
            Layout.maximumWidth: column.width * 0.8
            implicitWidth: Math.min(userText.implicitWidth + 32, column.width * 0.8)
            implicitHeight: userText.implicitHeight + 22
            radius: 18
            color: Theme.userBubble
            TextEdit {
                id: userText
                objectName: "userText"
                anchors.fill: parent
                anchors.leftMargin: 16
                anchors.rightMargin: 16
                anchors.topMargin: 11
                anchors.bottomMargin: 11
                // Replies leave it empty: their text must not be laid out here at every streamed token.
                text: !root.isUser ? "" : root.highlight === "" ? root.model.content
                      : MarkdownBlocks.highlightedPlain(root.model.content, root.highlight, root.highlightColor,
                                                        Theme.fontFamily, Theme.fontSize + 1)
                textFormat: root.highlight === "" ? TextEdit.PlainText : TextEdit.RichText
                // Copied whole (ChatSelection): the message as written.
                readonly property string markdownSource: root.isUser ? root.model.content : ""
                readOnly: true
                selectByMouse: true
                wrapMode: TextEdit.Wrap
                color: Theme.text
                selectionColor: Theme.accent
                selectedTextColor: Theme.accentText
                font.pixelSize: Theme.fontSize + 1
                font.family: Theme.fontFamily
            }
        }

        // Editing a user message: the new text becomes a new branch.
        Rectangle {
            visible: root.editing
            Layout.fillWidth: true
            implicitHeight: editArea.implicitHeight + 60
            radius: Theme.radius
            color: Theme.surface
            border.color: Theme.accent
            TextArea {
                id: editArea
                anchors.left: parent.left
                anchors.right: parent.right
                anchors.top: parent.top
                anchors.margins: 10
                wrapMode: TextArea.Wrap
                color: Theme.text
                font.pixelSize: Theme.fontSize + 1
                font.family: Theme.fontFamily
                background: null
                // As in the main input: Enter sends, Shift+Enter adds a line, Esc cancels.
                Keys.onPressed: (event) => {
                    if ((event.key === Qt.Key_Return || event.key === Qt.Key_Enter)
                            && !(event.modifiers & Qt.ShiftModifier)) {
                        saveButton.clicked()
                        event.accepted = true
                    }
                }
                Keys.onEscapePressed: root.editing = false
            }
            Row {
                anchors.right: parent.right
                anchors.bottom: parent.bottom
                anchors.margins: 8
                spacing: 6
                FlatButton { text: "Cancel"; onClicked: root.editing = false }
                FlatButton {
                    id: saveButton
                    objectName: "saveEditButton"
                    accent: true
                    text: "Save & send"
                    enabled: root.chatModel.modelState === ChatModelController.Ready && !root.chat.generating
                    onClicked: if (enabled) { root.editing = false; root.chat.editMessage(root.model.messageId, editArea.text) }
                }
            }
        }

        // What the context policy left out of this reply's prompt.
        Rectangle {
            objectName: "contextNotice"
            visible: root.model.messageId === root.chat.context.noticeMessageId && root.chat.context.notice !== ""
            Layout.fillWidth: true
            implicitHeight: noticeText.implicitHeight + 16
            radius: Theme.radiusSmall
            color: "transparent"
            border.color: Theme.border
            Text {
                id: noticeText
                anchors.fill: parent
                anchors.leftMargin: 12
                anchors.rightMargin: 12
                verticalAlignment: Text.AlignVCenter
                text: "✂  " + root.chat.context.notice
                color: Theme.mutedText
                wrapMode: Text.Wrap
                font.pixelSize: Theme.smallFontSize
                font.family: Theme.fontFamily
            }
        }

        // ---- assistant / tool message -------------------------------------
        RowLayout {
            visible: !root.isUser
            Layout.fillWidth: true
            spacing: 10
            Rectangle {
                Layout.alignment: Qt.AlignTop
                width: 28; height: 28; radius: 14
                color: root.isTool ? Theme.surfaceAlt : Theme.accentSoft
                Text {
                    anchors.centerIn: parent
                    text: root.isTool ? "⚙" : "H"
                    color: Theme.accent
                    font.pixelSize: 13
                    font.bold: true
                    font.family: Theme.fontFamily
                }
            }
            Text {
                Layout.fillWidth: true
                text: root.isTool ? "Tool result" : (root.model.modelFile !== "" ? root.model.modelFile.replace(/\.gguf$/i, "") : "Assistant")
                color: Theme.mutedText
                font.pixelSize: Theme.smallFontSize
                font.weight: Font.Medium
                font.family: Theme.fontFamily
                elide: Text.ElideRight
                // Which file exactly wrote this reply.
                HoverHandler { id: modelHover; enabled: root.model.modelFile !== "" }
                ToolTip.visible: modelHover.hovered
                ToolTip.delay: 600
                ToolTip.text: root.model.modelFile + "\nSHA-256: "
                              + (root.model.modelSha256 !== "" ? root.model.modelSha256 : "not known")
            }
        }

        // Thinking block (collapsible).
        Rectangle {
            visible: !root.isUser && root.model.reasoning !== ""
            Layout.fillWidth: true
            Layout.leftMargin: 38
            implicitHeight: thinkColumn.implicitHeight + 16
            radius: Theme.radiusSmall
            color: Theme.surfaceAlt
            Column {
                id: thinkColumn
                anchors.left: parent.left
                anchors.right: parent.right
                anchors.top: parent.top
                anchors.margins: 8
                anchors.leftMargin: 12
                spacing: 6
                Text {
                    objectName: "thinkingHeader"
                    text: (root.reasoningOpen ? "▾ " : "▸ ")
                          + (root.streaming && root.model.content === "" ? "Thinking…"
                             : root.model.thinkingText !== "" ? "Thought for " + root.model.thinkingText : "Thoughts")
                    color: Theme.mutedText
                    font.pixelSize: Theme.smallFontSize
                    font.weight: Font.Medium
                    font.family: Theme.fontFamily
                    MouseArea {
                        anchors.fill: parent
                        cursorShape: Qt.PointingHandCursor
                        onClicked: root.reasoningOpen = !root.reasoningOpen
                    }
                }
                TextEdit {
                    objectName: "thinkingText"
                    visible: root.reasoningOpen
                    width: parent.width
                    readOnly: true
                    selectByMouse: true
                    selectionColor: Theme.accent
                    selectedTextColor: Theme.accentText
                    textFormat: TextEdit.PlainText
                    text: root.model.reasoning
                    color: Theme.mutedText
                    wrapMode: TextEdit.Wrap
                    font.pixelSize: Theme.fontSize - 1
                    font.italic: true
                    font.family: Theme.fontFamily
                }
            }
        }

        // The reply: prose as Markdown, code blocks as cards with a Copy button.
        // The block model changes only the blocks that changed (while it
        // streams, the last one), so earlier blocks are not rebuilt.
        Repeater {
            model: MarkdownBlockModel {
                // A tool message's text is shown once, in its result card.
                markdown: root.isUser || (root.isTool && root.toolResults.length > 0) ? "" : root.model.content
                linkColor: Theme.accent
                codeBackground: Theme.dark ? Theme.userBubble : Theme.codeHeader
                borderColor: Theme.border
                fontFamily: Theme.fontFamily
                pixelSize: Theme.fontSize + 1
                highlight: root.highlight
                highlightColor: root.highlightColor
            }
            delegate: Loader {
                id: block
                required property string kind
                required property string text
                required property string language
                required property string html
                required property string source
                Layout.fillWidth: true
                Layout.leftMargin: 38
                sourceComponent: kind === "code" ? codeComponent : kind === "quote" ? quoteComponent : proseComponent
                Component {
                    id: proseComponent
                    MarkdownText { html: block.html; markdownSource: block.source }
                }
                Component {
                    id: quoteComponent
                    QuoteBlock { html: block.html; markdownSource: block.source }
                }
                Component {
                    id: codeComponent
                    CodeBlock { code: block.text; language: block.language; markdownSource: block.source; chat: root.chat }
                }
            }
        }

        // Streaming with nothing yet: a pulsing dot.
        Rectangle {
            visible: root.streaming && root.model.content === "" && root.model.reasoning === ""
            Layout.leftMargin: 40
            width: 10; height: 10; radius: 5
            color: Theme.accent
            SequentialAnimation on opacity {
                running: root.streaming
                loops: Animation.Infinite
                NumberAnimation { from: 1; to: 0.25; duration: 500 }
                NumberAnimation { from: 0.25; to: 1; duration: 500 }
            }
        }

        // Tool calls and results as cards.
        Repeater {
            model: root.toolCalls.concat(root.toolResults)
            delegate: Rectangle {
                required property var modelData
                Layout.fillWidth: true
                Layout.leftMargin: 38
                implicitHeight: toolColumn.implicitHeight + 20
                radius: Theme.radiusSmall
                color: Theme.surface
                border.color: Theme.border
                Column {
                    id: toolColumn
                    anchors.left: parent.left
                    anchors.right: parent.right
                    anchors.top: parent.top
                    anchors.margins: 10
                    spacing: 6
                    Text {
                        text: (modelData.result !== undefined ? "Result of " : "Calls ") + modelData.name
                        color: Theme.accent
                        font.pixelSize: Theme.smallFontSize
                        font.weight: Font.DemiBold
                        font.family: Theme.monoFamily
                    }
                    // An MCP CallToolResult (the app's tool loop) shows its text parts and
                    // images; anything else (imported chats) as JSON.
                    readonly property var parts: modelData.result && Array.isArray(modelData.result.content)
                                                 ? modelData.result.content : null
                    Text {
                        width: parent.width
                        text: modelData.result === undefined ? JSON.stringify(modelData.arguments, null, 2)
                              : typeof modelData.result === "string" ? modelData.result
                              : toolColumn.parts ? toolColumn.parts.filter(p => p.type === "text").map(p => p.text).join("\n")
                              : JSON.stringify(modelData.result, null, 2)
                        color: modelData.result && modelData.result.isError ? Theme.danger : Theme.text
                        wrapMode: Text.WrapAnywhere
                        font.pixelSize: 12
                        font.family: Theme.monoFamily
                    }
                    Repeater {
                        model: toolColumn.parts ? toolColumn.parts.filter(p => p.type === "image") : []
                        delegate: Image {
                            required property var modelData
                            objectName: "toolResultImage"
                            source: "data:" + modelData.mimeType + ";base64," + modelData.data
                            width: Math.min(sourceSize.width * 4, toolColumn.width)
                            height: width * (sourceSize.height / Math.max(1, sourceSize.width))
                            fillMode: Image.PreserveAspectFit
                            smooth: false
                        }
                    }
                }
            }
        }

        // An interrupted reply, or one cut off by a full context or its length
        // limit, can be continued or regenerated.
        Rectangle {
            objectName: "continueBar"
            visible: root.model.continuable === true && !root.streaming
                     && (root.interrupted || root.index === root.chat.messages.count - 1)
            Layout.fillWidth: true
            Layout.leftMargin: 38
            implicitHeight: Math.max(44, continueRow.implicitHeight + 12)
            radius: Theme.radiusSmall
            color: Theme.accentSoft
            RowLayout {
                id: continueRow
                anchors.fill: parent
                anchors.leftMargin: 12
                anchors.rightMargin: 6
                Text {
                    objectName: "continueReason"
                    Layout.fillWidth: true
                    text: root.interrupted ? "This reply was interrupted."
                        : root.model.stopReason === "context_full"
                          ? "The context is full, so this reply stopped here. Continue leaves older messages out."
                          : "This reply reached its length limit."
                    wrapMode: Text.Wrap
                    color: Theme.text
                    font.pixelSize: Theme.smallFontSize + 1
                    font.family: Theme.fontFamily
                }
                FlatButton {
                    objectName: "continueButton"
                    text: "Continue"
                    textColor: Theme.accent
                    enabled: root.chatModel.modelState === ChatModelController.Ready && !root.chat.generating
                    onClicked: root.chat.continueReply(root.model.messageId)
                }
                FlatButton {
                    text: "Regenerate"
                    enabled: root.chatModel.modelState === ChatModelController.Ready && !root.chat.generating
                    onClicked: root.chat.regenerate(root.model.messageId)
                }
            }
        }

        // Actions, branch switcher and the reply's figures.
        RowLayout {
            visible: !root.editing && !root.streaming
            Layout.fillWidth: true
            Layout.leftMargin: root.isUser ? 0 : 32
            Layout.topMargin: root.isUser ? -6 : 0
            Layout.preferredHeight: root.isUser ? 26 : 30
            layoutDirection: root.isUser ? Qt.RightToLeft : Qt.LeftToRight
            spacing: 2
            opacity: hover.hovered || root.index === root.chat.messages.count - 1 ? 1 : 0
            Behavior on opacity { NumberAnimation { duration: 120 } }

            FlatButton {
                text: "Copy"
                onClicked: root.chat.copyText(root.model.content)
            }
            FlatButton {
                visible: root.isUser
                text: "Edit"
                onClicked: { editArea.text = root.model.content; root.editing = true; editArea.forceActiveFocus() }
            }
            FlatButton {
                objectName: "regenerateButton"
                visible: root.model.role === Message.Assistant && !root.model.continuable
                enabled: root.chatModel.modelState === ChatModelController.Ready && !root.chat.generating
                text: "Regenerate"
                onClicked: root.chat.regenerate(root.model.messageId)
            }
            Row {
                visible: root.model.siblingCount > 1
                spacing: 0
                FlatButton {
                    implicitWidth: 26
                    text: "‹"
                    fontSize: 15
                    enabled: root.model.siblingIndex > 0 && !root.chat.generating
                    onClicked: root.chat.selectSibling(root.index, -1)
                }
                Text {
                    anchors.verticalCenter: parent.verticalCenter
                    text: (root.model.siblingIndex + 1) + " / " + root.model.siblingCount
                    color: Theme.mutedText
                    font.pixelSize: Theme.smallFontSize
                    font.family: Theme.fontFamily
                }
                FlatButton {
                    implicitWidth: 26
                    text: "›"
                    fontSize: 15
                    enabled: root.model.siblingIndex < root.model.siblingCount - 1 && !root.chat.generating
                    onClicked: root.chat.selectSibling(root.index, 1)
                }
            }
            Item { Layout.fillWidth: true }
            Text {
                objectName: "replyStats"
                visible: root.model.role === Message.Assistant && root.model.generatedTokens > 0
                text: root.model.tokensPerSecond.toFixed(1) + " tok/s  ·  "
                      + Math.round(root.model.timeToFirstTokenMs) + " ms to first token  ·  "
                      + root.model.generatedTokens + " tokens"
                      + (root.model.stopReason === "length" ? "  ·  length limit"
                         : root.model.stopReason === "context_full" ? "  ·  context full"
                         : root.model.stopReason === "user" ? "  ·  stopped" : "")
                color: Theme.faintText
                font.pixelSize: 11
                font.family: Theme.fontFamily
            }
        }
    }
}
