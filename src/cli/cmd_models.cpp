// hearth-cli models: the local model library, with a memory estimate and fit badge.
#include <QCoreApplication>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "args.h"
#include "command.h"
#include "core/app_paths.h"
#include "core/download_task.h"
#include "core/model_library.h"

namespace Hearth::Cli {

namespace {

QString formatParams(qint64 n) {
    if (n >= 1'000'000'000) return QStringLiteral("%1B").arg(double(n) / 1e9, 0, 'f', 1);
    if (n >= 1'000'000) return QStringLiteral("%1M").arg(double(n) / 1e6, 0, 'f', 1);
    if (n >= 1'000) return QStringLiteral("%1K").arg(double(n) / 1e3, 0, 'f', 1);
    return QString::number(n);
}

int runModels(int argc, char ** argv) {
    Args args(argc, argv, {{"--dir", "-d"}, {"--ctx", "-c"}, {"--kv-type"}, {"--vram-mib"}}, {{"--json"}});
    if (!args.positional().empty()) throw UsageError("unexpected argument " + args.positional().front());
    const int ctx = int(args.integer("--ctx", 4096));
    const std::string kv = args.value("--kv-type", "f16");
    if (kv != "f16" && kv != "q8_0") throw UsageError("--kv-type must be f16 or q8_0");
    const qint64 vram = args.integer("--vram-mib", 0) * 1024 * 1024;

    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("Hearth"));
    // Several folders are separated by ':' as in PATH.
    QStringList dirs = QString::fromStdString(args.value("--dir", "")).split(QLatin1Char(':'), Qt::SkipEmptyParts);
    const ModelLibrary library(dirs);
    const QList<LocalModel> models = library.scan();
    const qint64 ram = availableRamBytes();
    const KvCacheType kvType = kv == "q8_0" ? KvCacheType::Q8_0 : KvCacheType::F16;

    if (args.flag("--json")) {
        nlohmann::json out = nlohmann::json::array();
        for (const LocalModel & m : models) {
            const MemoryEstimate e = estimateMemory(m.shape, ctx, kvType);
            nlohmann::json files = nlohmann::json::array();
            for (const QString & f : m.files) files.push_back(f.toStdString());
            out.push_back({{"name", m.name.toStdString()},
                           {"path", m.path.toStdString()},
                           {"files", files},
                           {"size", m.sizeBytes},
                           {"architecture", m.architecture.toStdString()},
                           {"parameters", m.parameterCount},
                           {"quant", m.quant.toStdString()},
                           {"context_length", m.contextLength},
                           {"chat_template", m.hasChatTemplate},
                           {"memory_bytes", e.total()},
                           {"kv_cache_bytes", e.kvCache},
                           {"fit", m.error.isEmpty() ? fitBadgeName(fitBadge(e, ram, vram)).toStdString() : ""},
                           {"error", m.error.toStdString()}});
        }
        std::printf("%s\n", out.dump(2).c_str());
        return 0;
    }
    if (models.isEmpty()) {
        std::fprintf(stderr, "no models in %s\n", qPrintable(library.dirs().join(QLatin1Char(':'))));
        return 0;
    }
    std::printf("%-40s %-8s %7s %-8s %7s %9s %-4s %9s  %s\n", "MODEL", "ARCH", "PARAMS", "QUANT", "CTX", "SIZE", "TMPL",
                "MEMORY", "FIT");
    for (const LocalModel & m : models) {
        if (!m.error.isEmpty()) {
            std::printf("%-40s unreadable: %s\n", qPrintable(m.name), qPrintable(m.error));
            continue;
        }
        const MemoryEstimate e = estimateMemory(m.shape, ctx, kvType);
        std::printf("%-40s %-8s %7s %-8s %7d %9s %-4s %9s  %s\n", qPrintable(m.name), qPrintable(m.architecture),
                    qPrintable(formatParams(m.parameterCount)), qPrintable(m.quant), m.contextLength,
                    qPrintable(formatBytes(m.sizeBytes)), m.hasChatTemplate ? "yes" : "no",
                    qPrintable(formatBytes(e.total())), qPrintable(fitBadgeName(fitBadge(e, ram, vram))));
    }
    return 0;
}

const CommandRegistration kRegistration(
    {"models", "models [--dir DIR[:DIR...]] [--ctx N] [--kv-type f16|q8_0] [--vram-mib N] [--json]", runModels});

}  // namespace

}  // namespace Hearth::Cli
