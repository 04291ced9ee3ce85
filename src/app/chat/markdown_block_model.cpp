#include "markdown_block_model.h"

namespace Hearth {

MarkdownBlockModel::MarkdownBlockModel(QObject * parent) : QAbstractListModel(parent) {}

void MarkdownBlockModel::setMarkdown(const QString & markdown) {
    if (markdown == m_markdown) return;
    // An append (streaming): the blocks before the last one cannot change,
    // because the last block starts at a line outside any fence.
    const bool extends = !m_blocks.isEmpty() && markdown.startsWith(m_markdown);
    const qsizetype from = extends ? m_blocks.last().start : 0;
    m_markdown = markdown;
    QList<MarkdownBlock> blocks = extends ? m_blocks.first(m_blocks.size() - 1) : QList<MarkdownBlock>();
    blocks.append(scanMarkdownBlocks(m_markdown, from));
    m_lastScan = m_markdown.size() - from;
    apply(std::move(blocks));
    emit markdownChanged();
}

// Keeps the rows that did not change, reports changed rows in place, and
// inserts or removes only at the end.
void MarkdownBlockModel::apply(QList<MarkdownBlock> blocks) {
    const qsizetype common = qMin(blocks.size(), m_blocks.size());
    const qsizetype before = m_blocks.size();
    for (qsizetype i = 0; i < common; ++i) {
        const bool same = m_blocks[i].sameContent(blocks[i]);
        m_blocks[i] = blocks[i];  // the start may move with an edit above
        if (same) continue;
        m_html[i] = render(m_blocks[i]);
        emit dataChanged(index(int(i)), index(int(i)));
    }
    if (blocks.size() > before) {
        beginInsertRows({}, int(before), int(blocks.size() - 1));
        for (qsizetype i = before; i < blocks.size(); ++i) {
            m_blocks.append(blocks[i]);
            m_html.append(render(blocks[i]));
        }
        endInsertRows();
    } else if (blocks.size() < before) {
        beginRemoveRows({}, int(blocks.size()), int(before - 1));
        m_blocks.resize(blocks.size());
        m_html.resize(blocks.size());
        endRemoveRows();
    }
    if (before != m_blocks.size()) emit countChanged();
}

QString MarkdownBlockModel::render(const MarkdownBlock & b) const {
    return b.kind == MarkdownBlock::Kind::Code ? QString() : markdownToHtml(b.text, m_style);
}

void MarkdownBlockModel::restyle() {
    for (qsizetype i = 0; i < m_blocks.size(); ++i) m_html[i] = render(m_blocks[i]);
    if (!m_blocks.isEmpty()) emit dataChanged(index(0), index(int(m_blocks.size() - 1)), {HtmlRole});
    emit styleChanged();
}

int MarkdownBlockModel::rowCount(const QModelIndex & parent) const {
    return parent.isValid() ? 0 : int(m_blocks.size());
}

QVariant MarkdownBlockModel::data(const QModelIndex & index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const MarkdownBlock & b = m_blocks.at(index.row());
    switch (role) {
        case KindRole:
            return kindName(b.kind);
        case Qt::DisplayRole:
        case TextRole:
            return b.text;
        case LanguageRole:
            return b.language;
        case HtmlRole:
            return m_html.at(index.row());
        case SourceRole:
            return source(index.row());
        default:
            return {};
    }
}

// From the block's start to the next one's, without the blank lines between.
QString MarkdownBlockModel::source(qsizetype row) const {
    const qsizetype start = m_blocks.at(row).start;
    const qsizetype end = row + 1 < m_blocks.size() ? m_blocks.at(row + 1).start : m_markdown.size();
    QStringView text = QStringView(m_markdown).mid(start, end - start);
    while (!text.isEmpty() && text.back().isSpace()) text.chop(1);
    return text.toString();
}

QHash<int, QByteArray> MarkdownBlockModel::roleNames() const {
    return {
        {KindRole, "kind"}, {TextRole, "text"}, {LanguageRole, "language"}, {HtmlRole, "html"}, {SourceRole, "source"}};
}

}  // namespace Hearth
