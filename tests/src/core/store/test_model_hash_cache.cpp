// Model sha256s: the hash of a real file against the published one, the
// cache's validity rules (size and modification time, canonical paths, a
// corrupt cache file), and the background hasher (signals, served from the
// cache without reading the file, cancel).
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "common/fixtures.h"
#include "core/model_hash_cache.h"
#include "core/model_hasher.h"

using namespace Hearth;

namespace {

// sha256sum of the fixture (also in the fixtures README).
const QString kStoriesSha = QStringLiteral("270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d");
// FIPS 180-2 test vector: SHA-256("abc").
const QString kAbcSha = QStringLiteral("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

bool writeFile(const QString & path, const QByteArray & bytes) {
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

}  // namespace

class TestModelHashCache : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

private slots:
    void hashesMatchPublishedValues() {
        const QString abc = m_dir.filePath("abc.bin");
        QVERIFY(writeFile(abc, "abc"));
        QCOMPARE(ModelHashCache::hashFile(abc), kAbcSha);
        QCOMPARE(ModelHashCache::hashFile(QString::fromStdString(HEARTH_FIXTURE("models/stories260K.gguf"))),
                 kStoriesSha);
        QString error;
        QCOMPARE(ModelHashCache::hashFile(m_dir.filePath("missing.gguf"), nullptr, &error), QString());
        QVERIFY2(error.contains("missing.gguf"), qPrintable(error));
    }

    void cacheEntryHoldsWhileTheFileIsUnchanged() {
        ModelHashCache cache(m_dir.filePath("cache1.json"));
        const QString model = m_dir.filePath("model.gguf");
        QVERIFY(writeFile(model, "abc"));
        QCOMPARE(cache.lookup(model), QString());
        QCOMPARE(cache.sha256(model), kAbcSha);  // hashed and remembered
        QCOMPARE(cache.lookup(model), kAbcSha);
        // Another instance (the next run of the app) reads the same file.
        QCOMPARE(ModelHashCache(m_dir.filePath("cache1.json")).lookup(model), kAbcSha);

        // Rewritten with the same size: the modification time gives it away.
        QVERIFY(writeFile(model, "abd"));
        QFile f(model);
        QVERIFY(f.open(QIODevice::ReadWrite));
        QVERIFY(f.setFileTime(QDateTime::currentDateTimeUtc().addSecs(60), QFileDevice::FileModificationTime));
        f.close();
        QCOMPARE(cache.lookup(model), QString());
        QVERIFY(cache.sha256(model) != kAbcSha);
        // A different size alone is enough too.
        QVERIFY(writeFile(model, "abcd"));
        QCOMPARE(cache.lookup(model), QString());
    }

    void symlinkSharesItsTargetsEntry() {
        ModelHashCache cache(m_dir.filePath("cache2.json"));
        const QString target = m_dir.filePath("target.gguf");
        const QString link = m_dir.filePath("link.gguf");
        QVERIFY(writeFile(target, "abc"));
        QVERIFY(QFile::link(target, link));
        QVERIFY(cache.remember(target, kAbcSha.toUpper()));
        QCOMPARE(cache.lookup(link), kAbcSha);  // stored lower-case, found through the link
    }

    void badInputIsRefusedOrIgnored() {
        const QString cachePath = m_dir.filePath("cache3.json");
        ModelHashCache cache(cachePath);
        const QString model = m_dir.filePath("bad.gguf");
        QVERIFY(writeFile(model, "abc"));
        QVERIFY(!cache.remember(model, QStringLiteral("not-a-hash")));
        QVERIFY(!cache.remember(m_dir.filePath("nowhere.gguf"), kAbcSha));
        QVERIFY(writeFile(cachePath, "{ this is not json"));
        QCOMPARE(cache.lookup(model), QString());  // corrupt cache: empty, no crash
        QVERIFY(cache.remember(model, kAbcSha));   // and it is rewritten whole
        QCOMPARE(cache.lookup(model), kAbcSha);
    }

    void entriesOfDeletedFilesArePruned() {
        const QString cachePath = m_dir.filePath("cache4.json");
        ModelHashCache cache(cachePath);
        const QString gone = m_dir.filePath("gone.gguf"), kept = m_dir.filePath("kept.gguf");
        QVERIFY(writeFile(gone, "abc") && writeFile(kept, "abc"));
        QVERIFY(cache.remember(gone, kAbcSha));
        QVERIFY(QFile::remove(gone));
        QVERIFY(cache.remember(kept, kAbcSha));
        QFile f(cachePath);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray json = f.readAll();
        QVERIFY(json.contains("kept.gguf"));
        QVERIFY(!json.contains("gone.gguf"));
    }

    void hasherWorksInTheBackgroundAndUsesTheCache() {
        const QString cachePath = m_dir.filePath("cache5.json");
        const QString model = m_dir.filePath("bg.gguf");
        QVERIFY(writeFile(model, "abc"));
        ModelHasher hasher(cachePath);
        QSignalSpy hashed(&hasher, &ModelHasher::hashed);
        hasher.request(model);
        QVERIFY(hasher.isPending(model));
        hasher.request(model);  // already queued: one answer only
        QTRY_COMPARE(hashed.size(), 1);
        QCOMPARE(hashed[0][0].toString(), model);
        QCOMPARE(hashed[0][1].toString(), kAbcSha);
        QVERIFY(!hasher.isPending(model));
        QCOMPARE(ModelHashCache(cachePath).lookup(model), kAbcSha);

        // Same size and modification time but other bytes: the answer still
        // comes from the cache, so the file was not read again.
        const QDateTime mtime = QFileInfo(model).lastModified();
        QVERIFY(writeFile(model, "abd"));
        QFile f(model);
        QVERIFY(f.open(QIODevice::ReadWrite));
        QVERIFY(f.setFileTime(mtime, QFileDevice::FileModificationTime));
        f.close();
        hasher.request(model);
        QTRY_COMPARE(hashed.size(), 2);
        QCOMPARE(hashed[1][1].toString(), kAbcSha);
    }

    void hasherReportsFailures() {
        ModelHasher hasher(m_dir.filePath("cache6.json"));
        QSignalSpy failed(&hasher, &ModelHasher::failed);
        hasher.request(m_dir.filePath("absent.gguf"));
        QTRY_COMPARE(failed.size(), 1);
        QVERIFY(failed[0][1].toString().contains("absent.gguf"));
    }

    void cancelledHashIsNeitherReportedNorCached() {
        const QString cachePath = m_dir.filePath("cache7.json");
        const QString big = m_dir.filePath("big.gguf");
        {
            QFile f(big);
            QVERIFY(f.open(QIODevice::WriteOnly));
            QVERIFY(f.resize(qint64(512) << 20));  // sparse: 512 MiB of zeros, read in 128 chunks
        }
        ModelHasher hasher(cachePath);
        QSignalSpy hashed(&hasher, &ModelHasher::hashed);
        QSignalSpy failed(&hasher, &ModelHasher::failed);
        const QString small = m_dir.filePath("small.gguf");
        QVERIFY(writeFile(small, "abc"));
        hasher.request(big);
        hasher.request(small);  // one worker: served after the big one has stopped or finished
        hasher.cancel(big);
        QVERIFY(!hasher.isPending(big));
        QTRY_COMPARE(hashed.size(), 1);
        QCOMPARE(hashed[0][0].toString(), small);
        QCOMPARE(failed.size(), 0);
        QCOMPARE(ModelHashCache(cachePath).lookup(big), QString());  // it stopped half-way
    }

    void destructorStopsARunningHash() {
        const QString big = m_dir.filePath("big2.gguf");
        {
            QFile f(big);
            QVERIFY(f.open(QIODevice::WriteOnly));
            QVERIFY(f.resize(qint64(4) << 30));  // 4 GiB sparse: far longer to hash than the wait below
        }
        QElapsedTimer t;
        {
            ModelHasher hasher(m_dir.filePath("cache8.json"));
            hasher.request(big);
            QTest::qWait(50);
            t.start();
        }  // cancels and joins
        qInfo("hasher stopped %lld ms after destruction began", static_cast<long long>(t.elapsed()));
        QCOMPARE(ModelHashCache(m_dir.filePath("cache8.json")).lookup(big), QString());
    }
};

QTEST_GUILESS_MAIN(TestModelHashCache)
#include "test_model_hash_cache.moc"
