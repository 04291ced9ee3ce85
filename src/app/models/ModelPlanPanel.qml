import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.Components
import Hearth.Models

// A local model's load settings (context, KV cache type, GPU layers) and the
// placement the memory planner computes for them: which layers run on the
// GPU, the predicted VRAM and RAM. Settings persist per model and apply the
// next time it loads.
Rectangle {
    id: panel
    property ModelsController controller
    property string path: ""
    // Re-read whenever a setting or the machine's budget changes.
    readonly property var plan: controller && path !== "" ? (controller.planRevision, controller.modelPlan(path)) : ({})

    implicitHeight: body.implicitHeight + 24
    radius: Theme.radiusSmall
    color: Theme.surfaceAlt

    function contextOptions() {
        const trained = plan.trainedContext || 0
        const list = [{ text: qsTr("Default (%1)").arg(plan.contextSetting > 0 || !plan.ok ? qsTr("auto") : plan.context),
                        value: 0 }]
        for (const c of [512, 1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072])
            if (trained <= 0 || c <= trained) list.push({ text: c.toLocaleString(Qt.locale(), "f", 0), value: c })
        if (trained > 0 && list[list.length - 1].value !== trained)
            list.push({ text: trained.toLocaleString(Qt.locale(), "f", 0), value: trained })
        return list
    }
    function gpuOptions() {
        const list = [{ text: qsTr("Auto"), value: "auto" }]
        for (let n = 0; n <= (plan.maxGpuLayers || 0); ++n) list.push({ text: String(n), value: String(n) })
        return list
    }
    function sync() {
        ctxBox.currentIndex = Math.max(0, ctxBox.indexOfValue(plan.contextSetting || 0))
        gpuBox.currentIndex = Math.max(0, gpuBox.indexOfValue(plan.gpuLayersSetting || "auto"))
    }
    onPlanChanged: sync()

    component Caption: Text {
        color: Theme.mutedText
        font.pixelSize: Theme.smallFontSize
        font.family: Theme.fontFamily
    }

    ColumnLayout {
        id: body
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.top: parent.top
        anchors.margins: 12
        spacing: 10

        Flow {
            Layout.fillWidth: true
            spacing: 18
            Column {
                spacing: 4
                Caption { text: qsTr("Context") }
                ModelsComboBox {
                    id: ctxBox
                    objectName: "planContextBox"
                    implicitWidth: 140
                    model: panel.contextOptions()
                    onModelChanged: panel.sync()
                    onActivated: panel.controller.setModelContext(panel.path, currentValue)
                }
            }
            Column {
                spacing: 4
                Caption { text: qsTr("KV cache") }
                Rectangle {  // f16 | q8_0
                    width: kvRow.implicitWidth + 6
                    height: 30
                    radius: Theme.radiusSmall
                    color: Theme.surface
                    border.color: Theme.border
                    Row {
                        id: kvRow
                        anchors.centerIn: parent
                        spacing: 2
                        Repeater {
                            model: ["f16", "q8_0"]
                            delegate: Rectangle {
                                required property string modelData
                                readonly property bool chosen: panel.plan.kvType === modelData
                                objectName: "kvType_" + modelData
                                width: kvLabel.implicitWidth + 22
                                height: 24
                                radius: 6
                                color: chosen ? Theme.accent : kvMouse.containsMouse ? Theme.surfaceAlt : "transparent"
                                Text {
                                    id: kvLabel
                                    anchors.centerIn: parent
                                    text: modelData
                                    color: parent.chosen ? Theme.accentText : Theme.text
                                    font.pixelSize: Theme.smallFontSize + 1
                                    font.bold: parent.chosen
                                    font.family: Theme.monoFamily
                                }
                                MouseArea {
                                    id: kvMouse
                                    anchors.fill: parent
                                    hoverEnabled: true
                                    cursorShape: Qt.PointingHandCursor
                                    onClicked: panel.controller.setModelKvType(panel.path, modelData)
                                }
                            }
                        }
                    }
                }
            }
            Column {
                spacing: 4
                Caption { text: qsTr("GPU layers") }
                ModelsComboBox {
                    id: gpuBox
                    objectName: "planGpuLayersBox"
                    implicitWidth: 110
                    model: panel.gpuOptions()
                    onModelChanged: panel.sync()
                    onActivated: panel.controller.setModelGpuLayers(panel.path, currentValue)
                }
            }
        }

        Text {
            Layout.fillWidth: true
            visible: !panel.plan.ok
            text: panel.plan.error || ""
            wrapMode: Text.Wrap
            color: Theme.mutedText
            font.pixelSize: Theme.smallFontSize + 1
            font.family: Theme.fontFamily
        }

        ColumnLayout {
            Layout.fillWidth: true
            visible: panel.plan.ok === true
            spacing: 6

            Item {  // the placement in words, and its badge (anchored: it resizes with the plan)
                Layout.fillWidth: true
                implicitHeight: Math.max(summaryText.implicitHeight, planBadge.implicitHeight)
                Text {
                    id: summaryText
                    objectName: "planSummary"
                    anchors.left: parent.left
                    anchors.right: planBadge.left
                    anchors.rightMargin: 8
                    anchors.verticalCenter: parent.verticalCenter
                    text: panel.plan.cpuOnly ? panel.plan.cpuReason : (panel.plan.summary || "")
                    elide: Text.ElideRight
                    color: Theme.text
                    font.pixelSize: Theme.smallFontSize + 1
                    font.bold: true
                    font.family: Theme.fontFamily
                }
                FitBadge {
                    id: planBadge
                    anchors.right: parent.right
                    anchors.verticalCenter: parent.verticalCenter
                    width: implicitWidth
                    fit: panel.plan.fit || ""
                    label: panel.plan.fitText || ""
                }
            }

            Item {  // one cell per layer, then the output; GPU cells in the accent colour
                id: layerBar
                objectName: "planLayerBar"
                Layout.fillWidth: true
                implicitHeight: 10
                readonly property int cells: (panel.plan.nLayer || 0) + 1
                readonly property real gap: cells > 40 ? 1 : 2
                readonly property real cellWidth: Math.max(1, (width - (cells - 1) * gap) / cells)
                Repeater {
                    model: layerBar.cells
                    delegate: Rectangle {
                        required property int index
                        readonly property bool isOutput: index === layerBar.cells - 1
                        readonly property bool onGpu: isOutput ? panel.plan.outputOnGpu === true
                                                               : index >= panel.plan.nLayer - panel.plan.gpuLayers
                        x: index * (layerBar.cellWidth + layerBar.gap)
                        width: layerBar.cellWidth
                        height: layerBar.height
                        radius: 2
                        color: onGpu ? Theme.accent : Qt.rgba(Theme.mutedText.r, Theme.mutedText.g, Theme.mutedText.b, 0.28)
                    }
                }
            }
            RowLayout {  // the legend under the bar
                Layout.fillWidth: true
                spacing: 6
                Rectangle { implicitWidth: 10; implicitHeight: 10; radius: 2; color: Theme.accent; visible: !panel.plan.cpuOnly }
                Caption { text: qsTr("GPU"); visible: !panel.plan.cpuOnly }
                Rectangle {
                    Layout.leftMargin: panel.plan.cpuOnly ? 0 : 8
                    implicitWidth: 10
                    implicitHeight: 10
                    radius: 2
                    color: Qt.rgba(Theme.mutedText.r, Theme.mutedText.g, Theme.mutedText.b, 0.28)
                }
                Caption { text: qsTr("CPU") }
                Item { Layout.fillWidth: true }
                Caption { text: qsTr("layers 0–%1, then the output").arg(Math.max(0, (panel.plan.nLayer || 1) - 1)) }
            }

            Caption {
                Layout.fillWidth: true
                wrapMode: Text.Wrap
                text: panel.plan.cpuOnly
                      ? qsTr("RAM %1: weights %2 + KV cache %3 · %4 tokens, %5 KV")
                            .arg(panel.plan.ramText).arg(panel.plan.ramWeightsText).arg(panel.plan.ramKvText)
                            .arg((panel.plan.context || 0).toLocaleString(Qt.locale(), "f", 0)).arg(panel.plan.kvType)
                      : qsTr("VRAM %1: weights %2 + KV cache %3 + scratch %4 · RAM %5 · %6 tokens, %7 KV")
                            .arg(panel.plan.vramText).arg(panel.plan.vramWeightsText).arg(panel.plan.vramKvText)
                            .arg(panel.plan.vramScratchText).arg(panel.plan.ramText)
                            .arg((panel.plan.context || 0).toLocaleString(Qt.locale(), "f", 0)).arg(panel.plan.kvType)
            }
            Caption {
                Layout.fillWidth: true
                visible: text !== ""
                wrapMode: Text.Wrap
                text: panel.plan.note || ""
            }
        }
    }
}
