#include "export_controller.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>
#include <QUrl>
#include <exception>

#include "core/conversation_store.h"
#include "core/markdown_exporter.h"

namespace Hearth {

namespace {

QString localPath(const QString & pathOrUrl) {
    const QUrl url(pathOrUrl);
    return url.isLocalFile() ? url.toLocalFile() : pathOrUrl;
}

QString plural(int n, const char * one, const char * many) {
    return QStringLiteral("%1 %2").arg(n).arg(QLatin1String(n == 1 ? one : many));
}

ConversationFiles::Format formatOf(const QString & format) {
    return format == QLatin1String("md") ? ConversationFiles::Format::Markdown : ConversationFiles::Format::Json;
}

}  // namespace

ExportController::ExportController(QObject * parent) : QObject(parent) {
    m_pool.setMaxThreadCount(1);
}

ExportController::~ExportController() {
    m_pool.waitForDone();
}

void ExportController::setDatabasePath(const QString & path) {
    if (path == m_databasePath) return;
    m_databasePath = path;
    emit databasePathChanged();
}

void ExportController::setProgress(double progress) {
    if (qFuzzyCompare(progress, m_progress)) return;
    m_progress = progress;
    emit progressChanged();
}

bool ExportController::start(const QString & busyText, Job job) {
    if (m_busy || m_databasePath.isEmpty()) return false;
    m_busy = true;
    m_busyText = busyText;
    m_progress = 0;
    emit busyChanged();
    emit progressChanged();
    m_pool.start([this, job = std::move(job)] {
        // Progress reaches the GUI at most every 2% (and at the end), not per conversation.
        int lastPercent = -1;
        auto progress = [this, &lastPercent](int done, int total) {
            const int percent = total > 0 ? done * 100 / total : 100;
            if (percent < lastPercent + 2 && done != total) return;
            lastPercent = percent;
            QMetaObject::invokeMethod(
                this, [this, percent] { setProgress(percent / 100.0); }, Qt::QueuedConnection);
        };
        Outcome outcome;
        try {
            outcome = job(progress);
        } catch (const std::exception & e) {
            outcome = Outcome{false, QString::fromUtf8(e.what()), {}, {}};
        }
        QMetaObject::invokeMethod(
            this, [this, outcome] { complete(outcome); }, Qt::QueuedConnection);
    });
    return true;
}

void ExportController::complete(const Outcome & outcome) {
    m_busy = false;
    m_busyText.clear();
    emit busyChanged();
    if (outcome.ok && !outcome.importedIds.isEmpty()) emit imported(outcome.importedIds);
    emit finished(outcome.ok, outcome.message, outcome.location);
}

bool ExportController::exportConversation(qint64 conversationId, const QString & title, const QString & fileUrl,
                                          const QString & format, bool allBranches) {
    const QString path = localPath(fileUrl);
    if (path.isEmpty() || conversationId <= 0) return false;
    const QString db = m_databasePath;
    return start(QStringLiteral("Exporting “%1”…").arg(title), [=](const auto & progress) {
        ConversationStore store(db);
        ConversationFiles::ExportRequest request{{conversationId}, formatOf(format), allBranches, path};
        ConversationFiles::exportConversations(store, request, progress);
        return Outcome{true, QStringLiteral("Exported “%1” to %2").arg(title, QFileInfo(path).fileName()), path, {}};
    });
}

bool ExportController::exportAll(const QString & fileOrFolderUrl, const QString & format, bool allBranches) {
    const QString path = localPath(fileOrFolderUrl);
    if (path.isEmpty()) return false;
    const QString db = m_databasePath;
    return start(QStringLiteral("Exporting all conversations…"), [=](const auto & progress) {
        ConversationStore store(db);
        ConversationFiles::ExportRequest request{{}, formatOf(format), allBranches, path};
        const int n = ConversationFiles::exportConversations(store, request, progress);
        return Outcome{true,
                       QStringLiteral("Exported %1 to %2")
                           .arg(plural(n, "conversation", "conversations"), QFileInfo(path).fileName()),
                       path,
                       {}};
    });
}

bool ExportController::importJson(const QString & fileUrl) {
    const QString path = localPath(fileUrl);
    if (path.isEmpty()) return false;
    const QString db = m_databasePath;
    return start(QStringLiteral("Importing %1…").arg(QFileInfo(path).fileName()), [=](const auto & progress) {
        ConversationStore store(db);
        const QList<qint64> ids = ConversationFiles::importJson(store, path);
        progress(1, 1);
        return Outcome{true,
                       QStringLiteral("Imported %1 from %2")
                           .arg(plural(int(ids.size()), "conversation", "conversations"), QFileInfo(path).fileName()),
                       QString(),  // nothing new on disk to show
                       ids};
    });
}

QString ExportController::suggestedFileName(qint64 conversationId, const QString & title,
                                            const QString & format) const {
    Conversation c;
    c.id = conversationId;
    c.title = title;
    QString name = MarkdownExporter::fileName(c);  // "<id>-<slug>.md"
    if (format == QLatin1String("json")) name = name.chopped(3) + QStringLiteral(".json");
    return name;
}

QString ExportController::urlOf(const QString & path) const {
    return QUrl::fromLocalFile(localPath(path)).toString();
}

QString ExportController::folderOf(const QString & fileUrl) const {
    return QUrl::fromLocalFile(QFileInfo(localPath(fileUrl)).absolutePath()).toString();
}

QString ExportController::revealUrl(const QString & location) const {
    const QString path = localPath(location);
    return QFileInfo(path).isDir() ? QUrl::fromLocalFile(path).toString() : folderOf(path);
}

QString ExportController::documentsFolder() const {
    QString dir = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    if (dir.isEmpty() || !QFileInfo(dir).isDir()) dir = QDir::homePath();
    return QUrl::fromLocalFile(dir).toString();
}

}  // namespace Hearth
