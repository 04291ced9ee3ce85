// hearth-cli search: GGUF models on the Hugging Face Hub (HF_ENDPOINT, HF_TOKEN).
#include <QCoreApplication>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "args.h"
#include "command.h"
#include "core/app_settings.h"
#include "core/hub_client.h"

namespace Hearth::Cli {

namespace {

HubSort parseSort(const std::string & s) {
    bool ok = false;
    const HubSort sort = HubClient::sortFromName(QString::fromStdString(s), &ok);
    if (!ok) throw UsageError("--sort must be downloads, likes, modified (or recent) or trending");
    return sort;
}

int runSearch(int argc, char ** argv) {
    Args args(argc, argv, {{"--limit", "-n"}, {"--sort"}}, {{"--json"}});
    if (args.positional().size() != 1) throw UsageError("give one QUERY");
    HubSearchQuery query;
    query.text = QString::fromStdString(args.positional().front());
    query.limit = int(args.integer("--limit", 20));
    if (query.limit < 1) throw UsageError("--limit must be at least 1");
    query.sort = parseSort(args.value("--sort", "downloads"));

    QCoreApplication app(argc, argv);
    HubClient hub;
    if (!hub.hasToken()) hub.setToken(AppSettings().hfToken());  // the app's saved token, as pull does
    const auto result = hub.search(query);
    if (!result.ok()) {
        std::fprintf(stderr, "hearth-cli search: error: %s\n", qPrintable(result.error.message));
        return 1;
    }
    if (args.flag("--json")) {
        nlohmann::json out = nlohmann::json::array();
        for (const HubModelSummary & m : result.value) {
            nlohmann::json tags = nlohmann::json::array();
            for (const QString & t : m.tags) tags.push_back(t.toStdString());
            out.push_back(
                {{"id", m.id.toStdString()},
                 {"downloads", m.downloads},
                 {"likes", m.likes},
                 {"last_modified", m.lastModified.isValid() ? m.lastModified.toString(Qt::ISODate).toStdString() : ""},
                 {"gated", m.gated.toStdString()},
                 {"private", m.isPrivate},
                 {"tags", tags}});
        }
        std::printf("%s\n", out.dump(2).c_str());
        return 0;
    }
    if (result.value.isEmpty()) {
        std::fprintf(stderr, "no GGUF models match '%s'\n", qPrintable(query.text));
        return 0;
    }
    std::printf("%-56s %12s %8s  %-10s %s\n", "MODEL", "DOWNLOADS", "LIKES", "MODIFIED", "ACCESS");
    for (const HubModelSummary & m : result.value) {
        const QString date =
            m.lastModified.isValid() ? m.lastModified.date().toString(Qt::ISODate) : QStringLiteral("-");
        const QString access = m.isPrivate         ? QStringLiteral("private")
                               : m.gated.isEmpty() ? QStringLiteral("open")
                                                   : QStringLiteral("gated");
        std::printf("%-56s %12lld %8lld  %-10s %s\n", qPrintable(m.id), static_cast<long long>(m.downloads),
                    static_cast<long long>(m.likes), qPrintable(date), qPrintable(access));
    }
    return 0;
}

const CommandRegistration kRegistration({"search",
                                         "search QUERY [--limit N] [--sort downloads|likes|modified|trending] [--json]",
                                         runSearch});

}  // namespace

}  // namespace Hearth::Cli
