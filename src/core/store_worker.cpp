#include "core/store_worker.h"

#include <QFileInfo>
#include <QMutexLocker>
#include <QThread>
#include <optional>

#include "core/app_paths.h"
#include "core/conversation_store.h"

namespace Hearth {

StoreWorker::StoreWorker(const QString & path, QObject * parent)
    : QObject(parent), m_path(path.isEmpty() ? databasePath() : path) {
    // The thread opens the store, reports, then serves the queue until stopped.
    std::promise<void> opened;
    std::future<void> openedFuture = opened.get_future();
    m_thread = QThread::create([this, &opened] {
        std::optional<ConversationStore> store;
        try {
            store.emplace(m_path);
            m_interruptedOnOpen = store->interruptedOnOpen();
        } catch (const std::exception & e) {
            m_openError = QString::fromUtf8(e.what());
        }
        opened.set_value();  // `opened` is not touched after this
        for (;;) {
            Entry entry;
            {
                QMutexLocker lock(&m_mutex);
                while (m_queue.empty() && !m_stop) m_wake.wait(&m_mutex);
                if (m_queue.empty()) break;  // stopping, and everything posted has run
                entry = std::move(m_queue.front());
                m_queue.pop_front();
                m_running = true;
            }
            QString error = store ? QString() : m_openError;
            if (store) {
                try {
                    entry.job(*store);
                } catch (const std::exception & e) {
                    error = QString::fromUtf8(e.what());
                }
            }
            if (!error.isEmpty()) {
                emit errorOccurred(entry.id, error);
                if (entry.failed) entry.failed(error);
            }
            entry = {};  // the job's captures go before it counts as done
            QMutexLocker lock(&m_mutex);
            m_running = false;
            ++m_done;
            m_idle.wakeAll();
        }
    });
    m_thread->setObjectName(QStringLiteral("hearth-store"));
    m_thread->start();
    openedFuture.wait();
    if (isOpen()) m_path = QFileInfo(m_path).absoluteFilePath();
}

StoreWorker::~StoreWorker() {
    {
        QMutexLocker lock(&m_mutex);
        m_stop = true;
        m_wake.wakeAll();
    }
    m_thread->wait();  // runs what was queued first: a reply's last save is kept
    delete m_thread;
}

int StoreWorker::pending() const {
    QMutexLocker lock(&m_mutex);
    return int(m_queue.size()) + (m_running ? 1 : 0);
}

quint64 StoreWorker::post(Job job) {
    return enqueue(std::move(job), {});
}

quint64 StoreWorker::enqueue(Job job, std::function<void(const QString &)> failed) {
    QMutexLocker lock(&m_mutex);
    const quint64 id = m_nextId++;
    m_queue.push_back({id, std::move(job), std::move(failed)});
    m_wake.wakeOne();
    return id;
}

void StoreWorker::drain() {
    QMutexLocker lock(&m_mutex);
    const quint64 last = m_nextId - 1;
    while (m_done < last) m_idle.wait(&m_mutex);
}

}  // namespace Hearth
