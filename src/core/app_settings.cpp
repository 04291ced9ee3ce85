#include "core/app_settings.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSettings>
#include <QStandardPaths>

#include "core/app_paths.h"
#include "core/plan_summary.h"
#include "hearth/context_window.h"

namespace Hearth {

namespace {

// Settings keys: a model's group is its file name (QSettings escapes the rest).
QString modelKey(const QString & modelPath, const char * field) {
    return QStringLiteral("model/%1/%2").arg(QFileInfo(modelPath).fileName(), QLatin1String(field));
}

}  // namespace

AppSettings::AppSettings() : m_path(defaultPath()) {}

AppSettings::AppSettings(const QString & iniPath) : m_path(iniPath) {}

QString AppSettings::defaultPath() {
    if (!qEnvironmentVariableIsEmpty("HEARTH_DATA_DIR"))
        return QDir(dataDir()).filePath(QStringLiteral("settings.ini"));
    QString dir = QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation);
    if (dir.isEmpty()) dir = QDir::homePath() + QStringLiteral("/.config");
    return QDir(dir).filePath(QStringLiteral("Hearth/Hearth.ini"));
}

void AppSettings::write(const QString & key, const QVariant & value) {
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    {
        QSettings s(m_path, QSettings::IniFormat);
        if (value.isValid())
            s.setValue(key, value);
        else
            s.remove(key);
        s.sync();
    }
    QFile::setPermissions(m_path, QFile::ReadOwner | QFile::WriteOwner);
}

QString AppSettings::hfToken() const {
    return QSettings(m_path, QSettings::IniFormat).value(QStringLiteral("hub/token")).toString().trimmed();
}

void AppSettings::setHfToken(const QString & token) {
    const QString t = token.trimmed();
    write(QStringLiteral("hub/token"), t.isEmpty() ? QVariant() : QVariant(t));
}

QString AppSettings::contextOverflow() const {
    const QString name =
        QSettings(m_path, QSettings::IniFormat).value(QStringLiteral("chat/contextOverflow")).toString();
    hearth::ContextOverflow policy = hearth::ContextOverflow_rolling_window;
    hearth::context_overflow_from_name(name.toStdString(), policy);
    return QString::fromLatin1(hearth::context_overflow_name(policy));
}

void AppSettings::setContextOverflow(const QString & policy) {
    hearth::ContextOverflow p = hearth::ContextOverflow_rolling_window;
    const bool known = hearth::context_overflow_from_name(policy.toStdString(), p);
    write(QStringLiteral("chat/contextOverflow"),
          known && p != hearth::ContextOverflow_rolling_window ? QVariant(policy) : QVariant());
}

QStringList AppSettings::modelDirs() const {
    QStringList dirs = QSettings(m_path, QSettings::IniFormat).value(QStringLiteral("library/folders")).toStringList();
    dirs.removeAll(QString());
    return dirs.isEmpty() ? QStringList{defaultModelsDir()} : dirs;
}

void AppSettings::setModelDirs(const QStringList & dirs) {
    QStringList clean;
    for (const QString & d : dirs) {
        const QString c = QDir::cleanPath(d.trimmed());
        if (!c.isEmpty() && !clean.contains(c)) clean << c;
    }
    write(QStringLiteral("library/folders"), clean.isEmpty() ? QVariant() : QVariant(clean));
}

ModelLoadSettings AppSettings::modelSettings(const QString & modelPath) const {
    const QSettings s(m_path, QSettings::IniFormat);
    ModelLoadSettings m;
    m.contextLength = qMax(0, s.value(modelKey(modelPath, "context"), 0).toInt());
    m.kvType = kvTypeFromName(s.value(modelKey(modelPath, "kvType"), QStringLiteral("f16")).toString());
    const QString ngl = s.value(modelKey(modelPath, "gpuLayers"), QStringLiteral("auto")).toString();
    bool ok = false;
    const int n = ngl.toInt(&ok);
    m.nGpuLayers = ok && n >= 0 ? n : -1;
    return m;
}

void AppSettings::setModelSettings(const QString & modelPath, const ModelLoadSettings & m) {
    write(modelKey(modelPath, "context"), m.contextLength > 0 ? QVariant(m.contextLength) : QVariant());
    write(modelKey(modelPath, "kvType"), m.kvType == hearth::KvType_f16 ? QVariant() : QVariant(kvTypeName(m.kvType)));
    write(modelKey(modelPath, "gpuLayers"), m.nGpuLayers < 0 ? QVariant() : QVariant(m.nGpuLayers));
}

QString AppSettings::lastModel() const {
    return QSettings(m_path, QSettings::IniFormat).value(QStringLiteral("models/last")).toString();
}

void AppSettings::setLastModel(const QString & path) {
    write(QStringLiteral("models/last"), path.isEmpty() ? QVariant() : QVariant(QDir::cleanPath(path)));
}

GenerationSettings AppSettings::chatDefaults() const {
    const QSettings s(m_path, QSettings::IniFormat);
    const QByteArray json = s.value(QStringLiteral("chat/defaults")).toByteArray();
    const QJsonObject o = json.size() <= (1 << 20) ? QJsonDocument::fromJson(json).object() : QJsonObject();
    GenerationSettings g = GenerationSettings::fromJson(o, o.value(QStringLiteral("system_prompt")).toString());
    g.contextOverflow.clear();
    g.seed = -1;
    return g;
}

void AppSettings::setChatDefaults(const GenerationSettings & settings) {
    if (!settings.contextOverflow.isEmpty()) setContextOverflow(settings.contextOverflow);
    GenerationSettings g = settings;
    g.contextOverflow.clear();
    const QJsonObject o = presetToJson(g);
    write(QStringLiteral("chat/defaults"), QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)));
}

QJsonObject AppSettings::userPresets() const {
    const QByteArray json = QSettings(m_path, QSettings::IniFormat).value(QStringLiteral("chat/presets")).toByteArray();
    return json.size() <= (4 << 20) ? QJsonDocument::fromJson(json).object() : QJsonObject();
}

QList<ChatPreset> AppSettings::presets() const {
    return builtInPresets() + presetsFromJson(userPresets());
}

std::optional<GenerationSettings> AppSettings::preset(const QString & name) const {
    for (const ChatPreset & p : presets())
        if (p.name.compare(name.trimmed(), Qt::CaseInsensitive) == 0) return p.settings;
    return std::nullopt;
}

bool AppSettings::savePreset(const QString & name, const GenerationSettings & settings) {
    const QString clean = cleanPresetName(name);
    if (clean.isEmpty() || isBuiltInPreset(clean)) return false;
    QJsonObject stored = userPresets();
    if (!stored.contains(clean) && presetsFromJson(stored).size() >= kMaxPresets) return false;
    stored.insert(clean, presetToJson(settings));
    write(QStringLiteral("chat/presets"), QString::fromUtf8(QJsonDocument(stored).toJson(QJsonDocument::Compact)));
    return true;
}

bool AppSettings::removePreset(const QString & name) {
    QJsonObject stored = userPresets();
    if (!stored.contains(name)) return false;
    stored.remove(name);
    write(QStringLiteral("chat/presets"),
          stored.isEmpty() ? QVariant()
                           : QVariant(QString::fromUtf8(QJsonDocument(stored).toJson(QJsonDocument::Compact))));
    return true;
}

QString AppSettings::gpuDevice() const {
    return QSettings(m_path, QSettings::IniFormat).value(QStringLiteral("gpu/device")).toString().trimmed();
}

void AppSettings::setGpuDevice(const QString & device) {
    // As hearth-cli's --device: an index or part of a name, never a long text.
    const QString d = device.trimmed().left(256);
    write(QStringLiteral("gpu/device"), d.isEmpty() ? QVariant() : QVariant(d));
}

QString AppSettings::theme() const {
    const QString t = QSettings(m_path, QSettings::IniFormat).value(QStringLiteral("appearance/theme")).toString();
    return t == QLatin1String("light") || t == QLatin1String("dark") ? t : QStringLiteral("system");
}

void AppSettings::setTheme(const QString & theme) {
    const bool known = theme == QLatin1String("light") || theme == QLatin1String("dark");
    write(QStringLiteral("appearance/theme"), known ? QVariant(theme) : QVariant());
}

QString maskToken(const QString & token) {
    const QString t = token.trimmed();
    if (t.isEmpty()) return {};
    if (t.size() <= 8) return QString(t.size(), QChar(0x2022));
    return t.left(4) + QString(6, QChar(0x2022)) + t.right(4);
}

void applyModelLoadSettings(const QString & modelPath, hearth::LoadOptions & options) {
    const AppSettings settings;
    const ModelLoadSettings m = settings.modelSettings(modelPath);
    if (options.n_ctx <= 0 && m.contextLength > 0) options.n_ctx = m.contextLength;
    options.kv_type = m.kvType;
    // -1 is "auto": the evaluator plans the split for the probed card itself
    // (plan_memory), falling back to fewer layers or the CPU and saying why.
    options.n_gpu_layers = m.nGpuLayers;
    options.gpu_device = settings.gpuDevice().toStdString();
}

}  // namespace Hearth
