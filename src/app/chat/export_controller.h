// ExportController: the export and import menu's actions, off the GUI thread.
//
// Each action is handed to one worker thread, which opens its own
// ConversationStore on `databasePath` (a SQLite connection belongs to the
// thread that opened it; WAL lets it read beside the GUI's connection, and an
// import waits for the GUI's writes through busy_timeout) and does the file
// work with ConversationFiles. The GUI thread never waits: `busy` and
// `progress` describe the running job, and finished() reports the outcome
// as a sentence for a toast. One job at a time; a second call while busy
// returns false and does nothing.
//
// Paths may be given as local paths or file:// URLs (what FileDialog gives).
// Formats are "md" and "json".
#pragma once

#include <QtQml/qqmlregistration.h>

#include <QObject>
#include <QThreadPool>
#include <functional>

#include "core/conversation_files.h"

namespace Hearth {

class ExportController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QString databasePath READ databasePath WRITE setDatabasePath NOTIFY databasePathChanged)
    Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
    Q_PROPERTY(QString busyText READ busyText NOTIFY busyChanged)     // "Exporting 12 conversations…"
    Q_PROPERTY(double progress READ progress NOTIFY progressChanged)  // 0..1 of the running job

public:
    explicit ExportController(QObject * parent = nullptr);
    ~ExportController() override;  // waits for a running job

    QString databasePath() const { return m_databasePath; }
    void setDatabasePath(const QString & path);
    bool busy() const { return m_busy; }
    QString busyText() const { return m_busyText; }
    double progress() const { return m_progress; }

    // One conversation to a file.
    Q_INVOKABLE bool exportConversation(qint64 conversationId, const QString & title, const QString & fileUrl,
                                        const QString & format, bool allBranches = false);
    // Every conversation: "json" to one file, "md" into a folder.
    Q_INVOKABLE bool exportAll(const QString & fileOrFolderUrl, const QString & format, bool allBranches = false);
    Q_INVOKABLE bool importJson(const QString & fileUrl);
    // "12-weather-in-lisbon.md" / ".json": what the save dialog proposes.
    Q_INVOKABLE QString suggestedFileName(qint64 conversationId, const QString & title, const QString & format) const;
    // A local path as a file:// URL string, for Qt.openUrlExternally and dialogs.
    Q_INVOKABLE QString urlOf(const QString & path) const;
    Q_INVOKABLE QString folderOf(const QString & fileUrl) const;
    // The folder to open to show `location`: itself if a folder, else its parent.
    Q_INVOKABLE QString revealUrl(const QString & location) const;
    // Where the dialogs open first: the user's Documents folder (or home), as a URL.
    Q_INVOKABLE QString documentsFolder() const;

signals:
    void databasePathChanged();
    void busyChanged();
    void progressChanged();
    // ok: `message` says what was done and `location` is the file or folder
    // written ("" after an import); else `message` says what went wrong.
    void finished(bool ok, const QString & message, const QString & location);
    // After a successful import, the new conversations' ids (file order).
    void imported(const QList<qint64> & conversationIds);

private:
    struct Outcome {
        bool ok = false;
        QString message;
        QString location;
        QList<qint64> importedIds;
    };
    using Job = std::function<Outcome(const std::function<void(int, int)> & progress)>;

    bool start(const QString & busyText, Job job);
    void complete(const Outcome & outcome);
    void setProgress(double progress);

    QString m_databasePath;
    bool m_busy = false;
    QString m_busyText;
    double m_progress = 0;
    QThreadPool m_pool;
};

}  // namespace Hearth
