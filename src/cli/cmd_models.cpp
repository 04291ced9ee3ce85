// hearth-cli models: the local model library, with each model's memory plan
// (plan_memory, as a load with these options would place it) and fit badge.
#include <QCoreApplication>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "args.h"
#include "command.h"
#include "core/app_paths.h"
#include "core/download_task.h"
#include "core/free_memory.h"
#include "core/model_library.h"
#include "core/plan_summary.h"

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
    // 0: the engine's default context for each model (choose_context_size).
    const long long ctx = args.integer("--ctx", 0);
    if (ctx < 0 || ctx > (1 << 24)) throw UsageError("--ctx must be between 0 and 16777216");
    const std::string kv = args.value("--kv-type", "f16");
    if (kv != "f16" && kv != "q8_0") throw UsageError("--kv-type must be f16 or q8_0");
    const long long vramMib = args.integer("--vram-mib", -1);
    if (vramMib < -1 || vramMib > (1ll << 30)) throw UsageError("--vram-mib must be a count of MiB >= 0");

    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("Hearth"));
    // Several folders are separated by ':' as in PATH.
    QStringList dirs = QString::fromStdString(args.value("--dir", "")).split(QLatin1Char(':'), Qt::SkipEmptyParts);
    const ModelLibrary library(dirs);
    const QList<LocalModel> models = library.scan();
    // The free memory the loader sees; --vram-mib replaces the probed VRAM (0: plan for the CPU).
    const FreeMemory free = probeFreeMemory();
    const qint64 vram = vramMib >= 0 ? vramMib * 1024 * 1024 : free.vramBytes;
    const hearth::KvType kvType = kvTypeFromName(QString::fromStdString(kv));
    const auto planOf = [&](const LocalModel & m) {
        if (!m.hasFootprint) return hearth::MemoryPlan{};
        return hearth::plan_memory(m.footprint, makePlanRequest(m.footprint, int(ctx), kvType, -1, vram));
    };
    const auto fitOf = [&](const LocalModel & m, const hearth::MemoryPlan & p) {
        return m.error.isEmpty() && m.hasFootprint ? fitBadgeName(fitBadgeFromPlan(p, free.ramBytes)).toStdString()
                                                   : std::string();
    };

    if (args.flag("--json")) {
        nlohmann::json out = nlohmann::json::array();
        for (const LocalModel & m : models) {
            const hearth::MemoryPlan p = planOf(m);
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
                           {"memory_bytes", m.hasFootprint ? planTotalBytes(p) : 0},
                           {"kv_cache_bytes", m.hasFootprint ? p.vram.kv + p.ram.kv : 0},
                           {"n_gpu_layers", m.hasFootprint ? p.n_gpu_layers : 0},
                           {"fit", fitOf(m, p)},
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
        const hearth::MemoryPlan p = planOf(m);
        std::printf("%-40s %-8s %7s %-8s %7d %9s %-4s %9s  %s\n", qPrintable(m.name), qPrintable(m.architecture),
                    qPrintable(formatParams(m.parameterCount)), qPrintable(m.quant), m.contextLength,
                    qPrintable(formatBytes(m.sizeBytes)), m.hasChatTemplate ? "yes" : "no",
                    m.hasFootprint ? qPrintable(formatBytes(planTotalBytes(p))) : "-", fitOf(m, p).c_str());
    }
    return 0;
}

const CommandRegistration kRegistration(
    {"models", "models [--dir DIR[:DIR...]] [--ctx N] [--kv-type f16|q8_0] [--vram-mib N] [--json]", runModels});

}  // namespace

}  // namespace Hearth::Cli
