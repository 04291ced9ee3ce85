// ThreadPool: every index visited exactly once, by valid thread indices,
// across many back-to-back calls (the decode pattern) and pool sizes.
#include <QtTest>
#include <atomic>
#include <thread>
#include <vector>

#include "cpu/thread_pool.h"

using namespace hearth;

class TestThreadPool : public QObject {
    Q_OBJECT

private:
    static void check_cover(ThreadPool & pool, int64_t n) {
        std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
        std::atomic<bool> bad_range{false}, bad_thread{false};
        pool.parallel_for(n, [&](int64_t b, int64_t e, int tid) {
            if (b < 0 || e > n || b >= e) bad_range = true;
            if (tid < 0 || tid >= pool.size()) bad_thread = true;
            for (int64_t i = b; i < e; ++i) hits[i].fetch_add(1, std::memory_order_relaxed);
        });
        QVERIFY(!bad_range);
        QVERIFY(!bad_thread);
        for (int64_t i = 0; i < n; ++i)
            if (hits[i].load() != 1)
                QFAIL(qPrintable(QString("n=%1: index %2 visited %3 times").arg(n).arg(i).arg(hits[i].load())));
    }

private slots:
    void coversEveryIndexOnce_data() {
        QTest::addColumn<int>("threads");
        for (int t : {1, 2, 3, 8}) QTest::newRow(qPrintable(QString::number(t))) << t;
    }

    void coversEveryIndexOnce() {
        QFETCH(int, threads);
        ThreadPool pool(threads);
        QCOMPARE(pool.size(), threads);
        for (int64_t n : {1, 2, 3, 7, 64, 100, 1001, 4096}) {
            check_cover(pool, n);
            if (QTest::currentTestFailed()) return;
        }
        pool.parallel_for(0, [&](int64_t, int64_t, int) { QFAIL("called for n = 0"); });
    }

    void manyCallsInARow() {
        ThreadPool pool(4);
        // Sums over thousands of consecutive jobs catch a worker that runs a
        // stale job or misses one.
        std::atomic<int64_t> total{0};
        int64_t expected = 0;
        for (int call = 0; call < 5000; ++call) {
            const int64_t n = 1 + call % 37;
            expected += n * (n - 1) / 2;
            pool.parallel_for(n, [&](int64_t b, int64_t e, int) {
                int64_t s = 0;
                for (int64_t i = b; i < e; ++i) s += i;
                total.fetch_add(s, std::memory_order_relaxed);
            });
        }
        QCOMPARE(total.load(), expected);
    }

    void workersSleepAndWake() {
        // After the spin window, workers sleep on the condition variable; a
        // later call must still wake them all and use more than one thread.
        ThreadPool pool(3);
        check_cover(pool, 300);
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        std::atomic<int> mask{0};
        for (int attempt = 0; attempt < 50 && mask.load() != 7; ++attempt) {
            pool.parallel_for(3000, [&](int64_t, int64_t, int tid) {
                mask.fetch_or(1 << tid);
                std::this_thread::sleep_for(std::chrono::microseconds(200));
            });
        }
        QCOMPARE(mask.load(), 7);
    }

    void defaultSize() {
        ThreadPool pool(0);
        QVERIFY(pool.size() >= 1);
        QVERIFY(pool.size() <= int(std::max(1u, std::thread::hardware_concurrency())));
        check_cover(pool, 513);
    }
};

QTEST_APPLESS_MAIN(TestThreadPool)
#include "test_thread_pool.moc"
