// StoreWorker: the conversation store on its own thread, so the GUI thread
// never waits on SQLite (a long chat's load, a search, a write queued behind
// another connection's transaction for up to busy_timeout).
//
// One QThread owns one ConversationStore (a QSqlDatabase connection belongs to
// the thread that opened it) and runs the jobs posted to it one at a time, in
// the order they were posted: a write posted before a read is seen by that
// read, and a reply's periodic saves land in order. Any store call can be
// posted (the worker knows nothing of the jobs), so other stores sharing the
// database file (per-chat tool choices, ...) can use the same queue.
//
// Results come back through callbacks run on the thread of a `context` object
// (queued, so never inside the caller's stack), in the order the jobs ran.
// Every job gets a request id; a job that throws reports its id and message
// through errorOccurred() (and its `failed` callback, if any) instead.
//
// Lifetime: the destructor runs every job already posted (so a reply's last
// save is never lost on quit), then closes the store and ends the thread.
// Contexts must outlive the worker, or be destroyed on their own thread (Qt
// then drops their pending callbacks).
//
// Opening is synchronous (the constructor waits for the store thread to open
// and migrate the database): the app does it before its window shows.
#pragma once

#include <QMetaObject>
#include <QMutex>
#include <QObject>
#include <QString>
#include <QWaitCondition>
#include <deque>
#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <stdexcept>
#include <type_traits>
#include <utility>

class QThread;

namespace Hearth {

class ConversationStore;

class StoreWorker : public QObject {
    Q_OBJECT
public:
    using Job = std::function<void(ConversationStore &)>;

    // Opens (creating if needed) the database at `path` ("" = Hearth::databasePath())
    // on the worker thread; on failure isOpen() is false, openError() says why
    // and every job posted later fails with that message.
    explicit StoreWorker(const QString & path = QString(), QObject * parent = nullptr);
    ~StoreWorker() override;  // runs what is queued, then stops
    StoreWorker(const StoreWorker &) = delete;
    StoreWorker & operator=(const StoreWorker &) = delete;

    bool isOpen() const { return m_openError.isEmpty(); }
    QString openError() const { return m_openError; }
    QString path() const { return m_path; }  // the database file (absolute when opened)
    int interruptedOnOpen() const { return m_interruptedOnOpen; }
    // Jobs posted and not finished yet.
    int pending() const;

    // Runs `job` on the store thread after every job posted before it; returns its request id.
    quint64 post(Job job);

    // Runs `job(store)` there, then `done(result)` on `context`'s thread (a
    // job returning void: `done()`); when it throws, `failed(message)` there
    // instead (and errorOccurred either way).
    template <typename Fn, typename Done>
    quint64 request(QObject * context, Fn job, Done done, std::function<void(const QString &)> failed = {});

    // Runs `job` there and waits for its result (rethrowing what it threw).
    // Blocks the caller: for start-up before the window shows, shutdown and tests.
    template <typename Fn>
    auto call(Fn job) -> std::invoke_result_t<Fn, ConversationStore &>;

    // Waits until every job posted so far has run.
    void drain();

signals:
    void errorOccurred(quint64 requestId, const QString & message);

private:
    struct Entry {
        quint64 id = 0;
        Job job;
        std::function<void(const QString &)> failed;
    };
    quint64 enqueue(Job job, std::function<void(const QString &)> failed);

    QString m_path;
    QString m_openError;
    int m_interruptedOnOpen = 0;
    mutable QMutex m_mutex;
    QWaitCondition m_wake;  // a job was posted, or stop
    QWaitCondition m_idle;  // a job finished
    std::deque<Entry> m_queue;
    quint64 m_nextId = 1;
    quint64 m_done = 0;      // jobs finished (ids are consecutive, so this is the last finished id)
    bool m_running = false;  // a job is running now
    bool m_stop = false;
    QThread * m_thread = nullptr;
};

template <typename Fn, typename Done>
quint64 StoreWorker::request(QObject * context, Fn job, Done done, std::function<void(const QString &)> failed) {
    using R = std::invoke_result_t<Fn, ConversationStore &>;
    std::function<void(const QString &)> onFailed;
    if (failed)
        onFailed = [context, failed](const QString & message) {
            QMetaObject::invokeMethod(
                context, [failed, message] { failed(message); }, Qt::QueuedConnection);
        };
    return enqueue(
        [context, job = std::move(job), done = std::move(done)](ConversationStore & store) mutable {
            if constexpr (std::is_void_v<R>) {
                job(store);
                QMetaObject::invokeMethod(
                    context, [done] { done(); }, Qt::QueuedConnection);
            } else {
                // Shared: the queued functor is copied, the result (rows of a long chat) is not.
                auto result = std::make_shared<R>(job(store));
                QMetaObject::invokeMethod(
                    context, [done, result] { done(std::move(*result)); }, Qt::QueuedConnection);
            }
        },
        std::move(onFailed));
}

template <typename Fn>
auto StoreWorker::call(Fn job) -> std::invoke_result_t<Fn, ConversationStore &> {
    using R = std::invoke_result_t<Fn, ConversationStore &>;
    auto promise = std::make_shared<std::promise<R>>();
    std::future<R> future = promise->get_future();
    enqueue(
        [promise, job = std::move(job)](ConversationStore & store) mutable {
            try {
                if constexpr (std::is_void_v<R>) {
                    job(store);
                    promise->set_value();
                } else {
                    promise->set_value(job(store));
                }
            } catch (...) {
                promise->set_exception(std::current_exception());
            }
        },
        [promise](const QString & message) {
            // The store never opened: the job did not run.
            promise->set_exception(std::make_exception_ptr(std::runtime_error(message.toStdString())));
        });
    return future.get();
}

}  // namespace Hearth
