#include "core/model_library.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QMap>
#include <algorithm>
#include <map>

#include "core/app_paths.h"
#include "core/model_footprint.h"
#include "core/quant_name.h"
#include "hearth/error.h"
#include "hearth/gguf.h"
#include "hearth/memory_planner.h"

namespace Hearth {

namespace {

int metaInt(const hearth::GgufFile & f, const std::string & key, int fallback) {
    const hearth::GgufValue * v = f.find(key);
    if (!v) return fallback;
    if (v->is_array()) {
        // Per-layer values (e.g. head_count_kv on hybrid models): the largest bounds the memory.
        int best = 0;
        for (const hearth::GgufValue & item : v->as_array(key).items)
            if (item.is_integer()) best = std::max(best, int(item.as_int(key)));
        return best > 0 ? best : fallback;
    }
    return v->is_integer() ? int(v->as_int(key)) : fallback;
}

// The tensor type holding most of the weight bytes, for files without general.file_type.
QString dominantTensorType(const std::map<uint32_t, qint64> & bytesByType) {
    uint32_t best = 0;
    qint64 most = -1;
    for (const auto & [type, bytes] : bytesByType)
        if (bytes > most) {
            most = bytes;
            best = type;
        }
    const char * name = most >= 0 ? hearth::tensor_type_info(best).name : nullptr;
    return name ? QString::fromLatin1(name) : QString();
}

// The planner's footprint over every shard. An architecture or tensor type the
// engine does not know is said at scan time (m.error) rather than after a
// load; any other reason leaves the model listed, without a plan.
void readFootprint(LocalModel & m) {
    try {
        m.footprint = localFootprint(m.files);
        m.hasFootprint = true;
    } catch (const hearth::Error & e) {
        QString why = QString::fromStdString(e.what());
        if (e.code() != hearth::ErrorCode_unsupported) {
            m.footprintError = why;
            return;
        }
        for (const QString & f : m.files) {
            const QString prefix = f + QStringLiteral(": ");
            if (why.startsWith(prefix)) why.remove(0, prefix.size());
        }
        m.error = QStringLiteral("Hearth cannot run this model yet: ") + why;
    }
}

void readMetadata(LocalModel & m) {
    std::map<uint32_t, qint64> bytesByType;
    for (int i = 0; i < m.files.size(); ++i) {
        const hearth::GgufFile f = hearth::GgufFile::open(QFile::encodeName(m.files[i]).toStdString());
        for (const hearth::GgufTensor & t : f.tensors()) {
            m.parameterCount += t.n_elements();
            if (t.n_dims >= 2) bytesByType[t.type] += qint64(t.n_bytes);
        }
        if (i != 0) continue;  // the metadata lives in the first shard
        const std::string arch(f.architecture());
        m.architecture = QString::fromStdString(arch);
        m.hasChatTemplate = f.has("tokenizer.chat_template");
        m.contextLength = metaInt(f, arch + ".context_length", 0);
        const int fileType = metaInt(f, "general.file_type", -1);
        m.quant = fileType >= 0 ? quantFromFileType(fileType) : QString();
    }
    readFootprint(m);
    if (m.quant.isEmpty()) m.quant = dominantTensorType(bytesByType);
    if (m.quant.isEmpty()) m.quant = quantFromFileName(m.path);
}

}  // namespace

ModelLibrary::ModelLibrary(QStringList dirs) {
    setDirs(dirs);
}

void ModelLibrary::setDirs(const QStringList & dirs) {
    m_dirs = dirs;
    m_dirs.removeAll(QString());
    if (m_dirs.isEmpty()) m_dirs << defaultModelsDir();
}

LocalModel ModelLibrary::inspect(const QStringList & files) {
    LocalModel m;
    m.files = files;
    m.path = files.value(0);
    const ShardName shard = parseShardName(QFileInfo(m.path).fileName());
    m.name = shard.base;
    m.complete = files.size() == shard.count;
    m.isProjector = isProjectorFile(m.path);
    for (const QString & f : files) m.sizeBytes += QFileInfo(f).size();
    if (!m.complete) {
        m.error = QStringLiteral("%1 of %2 shards present").arg(files.size()).arg(shard.count);
        m.quant = quantFromFileName(m.path);
        return m;
    }
    try {
        readMetadata(m);
    } catch (const hearth::Error & e) {
        m.error = QString::fromStdString(e.what());
        if (m.quant.isEmpty()) m.quant = quantFromFileName(m.path);
    } catch (const std::exception & e) {
        m.error = QString::fromStdString(e.what());
    }
    return m;
}

QList<LocalModel> ModelLibrary::scan() const {
    // Shards group by folder + base name + shard count.
    QMap<QString, QMap<int, QString>> groups;
    for (const QString & dir : m_dirs) {
        QDirIterator it(dir, {QStringLiteral("*.gguf"), QStringLiteral("*.GGUF")}, QDir::Files,
                        QDirIterator::Subdirectories | QDirIterator::FollowSymlinks);
        while (it.hasNext()) {
            const QString path = QFileInfo(it.next()).absoluteFilePath();
            const ShardName s = parseShardName(path);
            const QString key = s.isShard() ? s.base + QStringLiteral("#of") + QString::number(s.count) : path;
            groups[key].insert(s.index, path);
        }
    }
    QList<LocalModel> out;
    for (const auto & g : std::as_const(groups)) out << inspect(g.values());
    std::sort(out.begin(), out.end(), [](const LocalModel & a, const LocalModel & b) {
        const int c = a.name.compare(b.name, Qt::CaseInsensitive);
        return c != 0 ? c < 0 : a.path < b.path;
    });
    return out;
}

bool ModelLibrary::importModel(const QString & source, ImportMode mode, QString * error, QString * importedPath) const {
    const QFileInfo info(source);
    const ShardName s = parseShardName(info.absoluteFilePath());
    QStringList files;
    if (s.isShard()) {
        for (int i = 1; i <= s.count; ++i) files << shardFileName(s.base, i, s.count);
    } else {
        files << info.absoluteFilePath();
    }
    for (const QString & f : files)
        if (!QFileInfo::exists(f)) {
            *error = QStringLiteral("%1 is missing; a split model needs all its shards.").arg(f);
            return false;
        }
    const LocalModel probe = inspect(files);
    if (!probe.error.isEmpty()) {
        *error = QStringLiteral("%1 is not a usable GGUF file: %2").arg(source, probe.error);
        return false;
    }
    const QString dir = m_dirs.first();
    QDir().mkpath(dir);
    QStringList made;
    for (const QString & f : files) {
        const QString dest = QDir(dir).filePath(QFileInfo(f).fileName());
        if (QFileInfo::exists(dest) || QFileInfo(dest).isSymLink()) {
            *error = QStringLiteral("%1 already exists in the library.").arg(dest);
            for (const QString & m : std::as_const(made)) QFile::remove(m);
            return false;
        }
        const bool ok = mode == ImportMode::Link ? QFile::link(f, dest) : QFile::copy(f, dest);
        if (!ok) {
            *error = QStringLiteral("Could not %1 %2 to %3.")
                         .arg(mode == ImportMode::Link ? QStringLiteral("link") : QStringLiteral("copy"), f, dest);
            for (const QString & m : std::as_const(made)) QFile::remove(m);
            return false;
        }
        made << dest;
    }
    if (importedPath) *importedPath = made.first();
    return true;
}

bool ModelLibrary::removeModel(const LocalModel & model, QString * error) {
    for (const QString & f : model.files) {
        // QFile::remove on a symlink removes the link, never its target.
        if ((QFileInfo::exists(f) || QFileInfo(f).isSymLink()) && !QFile::remove(f)) {
            *error = QStringLiteral("Could not delete %1.").arg(f);
            return false;
        }
    }
    return true;
}

}  // namespace Hearth
