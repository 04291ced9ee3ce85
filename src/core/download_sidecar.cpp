#include "core/download_sidecar.h"

#include <QFile>
#include <QSaveFile>
#include <nlohmann/json.hpp>
#include <string_view>

#include "hearth/json_depth.h"

namespace Hearth {

using json = nlohmann::json;

bool DownloadSidecar::sameFileAs(const DownloadSidecar & o) const {
    return url == o.url && revision == o.revision && size == o.size &&
           sha256.compare(o.sha256, Qt::CaseInsensitive) == 0;
}

std::optional<DownloadSidecar> DownloadSidecar::read(const QString & sidecarPath) {
    QFile f(sidecarPath);
    if (!f.open(QIODevice::ReadOnly)) return std::nullopt;
    const QByteArray bytes = f.read(1 << 20);
    if (!hearth::json_depth_within(std::string_view(bytes.constData(), size_t(bytes.size())))) return std::nullopt;
    const json j = json::parse(bytes.constBegin(), bytes.constEnd(), nullptr, false);
    if (j.is_discarded() || !j.is_object()) return std::nullopt;
    auto str = [&](const char * k) {
        auto it = j.find(k);
        return it != j.end() && it->is_string() ? QString::fromStdString(it->get<std::string>()) : QString();
    };
    auto num = [&](const char * k, qint64 fallback) {
        auto it = j.find(k);
        return it != j.end() && it->is_number_integer() ? it->get<qint64>() : fallback;
    };
    DownloadSidecar s;
    s.url = str("url");
    s.repo = str("repo");
    s.revision = str("revision");
    s.path = str("path");
    s.sha256 = str("sha256");
    s.size = num("size", -1);
    s.bytesDone = num("bytes_done", 0);
    if (s.url.isEmpty()) return std::nullopt;
    return s;
}

bool DownloadSidecar::write(const QString & sidecarPath) const {
    json j = {{"url", url.toStdString()},
              {"repo", repo.toStdString()},
              {"revision", revision.toStdString()},
              {"path", path.toStdString()},
              {"size", size},
              {"sha256", sha256.toStdString()},
              {"bytes_done", bytesDone}};
    QSaveFile f(sidecarPath);
    if (!f.open(QIODevice::WriteOnly)) return false;
    const std::string text = j.dump(2) + "\n";
    f.write(text.data(), qint64(text.size()));
    return f.commit();
}

}  // namespace Hearth
