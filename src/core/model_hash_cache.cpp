#include "core/model_hash_cache.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QRegularExpression>
#include <QSaveFile>

#include "core/app_paths.h"

namespace Hearth {

namespace {

constexpr qint64 kChunk = qint64(4) << 20;
constexpr int kCacheVersion = 1;

QMutex & cacheMutex() {
    static QMutex m;
    return m;
}

struct FileStamp {
    QString key;  // canonical path
    qint64 size = -1;
    qint64 mtimeMs = 0;
    bool valid() const { return !key.isEmpty(); }
};

FileStamp stampOf(const QString & path) {
    const QFileInfo info(path);
    if (!info.isFile()) return {};
    return {info.canonicalFilePath(), info.size(), info.lastModified().toMSecsSinceEpoch()};
}

QJsonObject readFiles(const QString & cachePath) {
    QFile f(cachePath);
    if (!f.open(QIODevice::ReadOnly)) return {};
    const QJsonObject top = QJsonDocument::fromJson(f.readAll()).object();
    if (top.value(QStringLiteral("version")).toInt() != kCacheVersion) return {};
    return top.value(QStringLiteral("files")).toObject();
}

bool isSha256(const QString & s) {
    static const QRegularExpression hex(QStringLiteral("^[0-9a-fA-F]{64}$"));
    return hex.match(s).hasMatch();
}

}  // namespace

ModelHashCache::ModelHashCache(QString cachePath) : m_cachePath(std::move(cachePath)) {
    if (m_cachePath.isEmpty()) m_cachePath = dataDir() + QStringLiteral("/model-hashes.json");
}

QString ModelHashCache::lookup(const QString & path) const {
    const FileStamp stamp = stampOf(path);
    if (!stamp.valid()) return {};
    QMutexLocker lock(&cacheMutex());
    const QJsonObject entry = readFiles(m_cachePath).value(stamp.key).toObject();
    const QString sha = entry.value(QStringLiteral("sha256")).toString();
    if (!isSha256(sha) || entry.value(QStringLiteral("size")).toInteger(-1) != stamp.size ||
        entry.value(QStringLiteral("mtime_ms")).toInteger(-1) != stamp.mtimeMs)
        return {};
    return sha.toLower();
}

bool ModelHashCache::remember(const QString & path, const QString & sha256) const {
    const FileStamp stamp = stampOf(path);
    if (!stamp.valid() || !isSha256(sha256)) return false;
    QMutexLocker lock(&cacheMutex());
    QJsonObject files = readFiles(m_cachePath);
    // Entries of files that are gone would otherwise pile up forever.
    for (auto it = files.begin(); it != files.end();) it = QFileInfo::exists(it.key()) ? it + 1 : files.erase(it);
    files.insert(stamp.key, QJsonObject{{QStringLiteral("size"), stamp.size},
                                        {QStringLiteral("mtime_ms"), stamp.mtimeMs},
                                        {QStringLiteral("sha256"), sha256.toLower()}});
    QDir().mkpath(QFileInfo(m_cachePath).absolutePath());
    QSaveFile out(m_cachePath);
    const QByteArray bytes =
        QJsonDocument(QJsonObject{{QStringLiteral("version"), kCacheVersion}, {QStringLiteral("files"), files}})
            .toJson(QJsonDocument::Indented);
    return out.open(QIODevice::WriteOnly) && out.write(bytes) == bytes.size() && out.commit();
}

QString ModelHashCache::sha256(const QString & path, const std::atomic<bool> * cancel, QString * error) const {
    QString sha = lookup(path);
    if (!sha.isEmpty()) return sha;
    const FileStamp before = stampOf(path);
    sha = hashFile(path, cancel, error);
    // Only remember a hash of the file as it was throughout the read.
    const FileStamp after = stampOf(path);
    if (!sha.isEmpty() && before.size == after.size && before.mtimeMs == after.mtimeMs) remember(path, sha);
    return sha;
}

QString ModelHashCache::hashFile(const QString & path, const std::atomic<bool> * cancel, QString * error) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        if (error) *error = QStringLiteral("cannot read %1: %2").arg(path, f.errorString());
        return {};
    }
    QCryptographicHash hash(QCryptographicHash::Sha256);
    QByteArray buffer(kChunk, Qt::Uninitialized);
    for (;;) {
        if (cancel && cancel->load(std::memory_order_relaxed)) return {};
        const qint64 n = f.read(buffer.data(), kChunk);
        if (n < 0) {
            if (error) *error = QStringLiteral("cannot read %1: %2").arg(path, f.errorString());
            return {};
        }
        if (n == 0) break;
        hash.addData(QByteArrayView(buffer.constData(), n));
    }
    return QString::fromLatin1(hash.result().toHex());
}

}  // namespace Hearth
