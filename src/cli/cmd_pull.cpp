// hearth-cli pull: download a GGUF model (all its shards) from the Hub,
// resumable and verified. Progress goes to stderr, the final path to stdout;
// the exit code is 0 only when every file is complete and its SHA-256 matches.
#include <unistd.h>

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <cstdio>

#include "args.h"
#include "command.h"
#include "core/app_paths.h"
#include "core/app_settings.h"
#include "core/download_task.h"
#include "core/hub_client.h"

namespace Hearth::Cli {

namespace {

QString listVariants(const QList<HubModelFile> & groups) {
    QString out;
    for (const HubModelFile & g : groups)
        out += QStringLiteral("\n  %1  %2  %3%4")
                   .arg(g.quant.isEmpty() ? QStringLiteral("?") : g.quant, -8)
                   .arg(formatBytes(g.totalSize()), 10)
                   .arg(g.files.value(0).path)
                   .arg(g.shardCount > 1 ? QStringLiteral(" (+%1 shards)").arg(g.shardCount - 1) : QString());
    return out;
}

// FILE.gguf (any shard of it), a quant name, or nothing: the only model, else Q4_K_M.
const HubModelFile * choose(const QList<HubModelFile> & groups, const QString & want, QString * error) {
    QList<const HubModelFile *> hits;
    for (const HubModelFile & g : groups) {
        if (want.endsWith(QLatin1String(".gguf"), Qt::CaseInsensitive)) {
            for (const HubFile & f : g.files)
                if (f.path == want || QFileInfo(f.path).fileName() == want) hits << &g;
        } else if (!want.isEmpty()) {
            if (g.quant.compare(want, Qt::CaseInsensitive) == 0) hits << &g;
        } else if (!g.isProjector) {
            hits << &g;
        }
    }
    if (want.isEmpty() && hits.size() > 1) {
        QList<const HubModelFile *> preferred;
        for (const HubModelFile * g : hits)
            if (g->quant == QLatin1String("Q4_K_M")) preferred << g;
        if (preferred.size() == 1) hits = preferred;
    }
    if (hits.size() == 1) return hits.front();
    *error =
        hits.isEmpty()
            ? QStringLiteral("no GGUF file matches '%1'.").arg(want)
            : QStringLiteral("'%1' matches several files; name one.").arg(want.isEmpty() ? QStringLiteral("*") : want);
    *error += QStringLiteral(" Available:") + listVariants(groups);
    return nullptr;
}

class ProgressLine {
public:
    explicit ProgressLine(qint64 total) : m_total(total), m_tty(isatty(STDERR_FILENO)) { m_timer.start(); }
    void update(qint64 done, double speed, qint64 eta, bool force) {
        if (!force && m_last >= 0 && m_timer.elapsed() - m_last < (m_tty ? 200 : 1000)) return;
        m_last = m_timer.elapsed();
        const double pct = m_total > 0 ? 100.0 * double(done) / double(m_total) : 0.0;
        const QString etaText = eta >= 0 ? QStringLiteral("%1 s").arg(eta) : QStringLiteral("?");
        std::fprintf(stderr, "%s%s / %s (%.1f%%), %s/s, ETA %s%s", m_tty ? "\r\033[K" : "",
                     qPrintable(formatBytes(done)), qPrintable(formatBytes(m_total)), pct,
                     qPrintable(formatBytes(qint64(speed))), qPrintable(etaText), m_tty ? "" : "\n");
        std::fflush(stderr);
    }
    void end() {
        if (m_tty) std::fprintf(stderr, "\n");
    }

private:
    qint64 m_total;
    bool m_tty;
    QElapsedTimer m_timer;
    qint64 m_last = -1;
};

int fail(const QString & message) {
    std::fprintf(stderr, "hearth-cli pull: error: %s\n", qPrintable(message));
    return 1;
}

int runPull(int argc, char ** argv) {
    Args args(argc, argv, {{"--dir", "-d"}, {"--revision", "-r"}, {"--stall-timeout"}, {"--retries"}}, {});
    const auto & pos = args.positional();
    if (pos.empty() || pos.size() > 2) throw UsageError("give OWNER/REPO and optionally FILE.gguf or QUANT");
    const QString repo = QString::fromStdString(pos[0]);
    if (repo.count(QLatin1Char('/')) != 1 || repo.startsWith(QLatin1Char('/')) || repo.endsWith(QLatin1Char('/')))
        throw UsageError("the repository must be OWNER/REPO");
    const QString want = pos.size() > 1 ? QString::fromStdString(pos[1]) : QString();
    DownloadPolicy policy;
    policy.stallSeconds = int(args.integer("--stall-timeout", policy.stallSeconds));
    policy.maxAttempts = int(args.integer("--retries", policy.maxAttempts));
    if (policy.stallSeconds < 1 || policy.maxAttempts < 1)
        throw UsageError("--stall-timeout and --retries must be at least 1");

    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("Hearth"));
    const QString dir =
        QDir(QString::fromStdString(args.value("--dir", Hearth::defaultModelsDir().toStdString()))).absolutePath();
    HubClient hub;
    // The app's saved token serves when HF_TOKEN is unset, as in the app.
    if (!hub.hasToken()) hub.setToken(AppSettings().hfToken());

    const auto sha = hub.resolveRevision(repo, QString::fromStdString(args.value("--revision", "main")));
    if (!sha.ok()) return fail(sha.error.message);
    const auto files = hub.listFiles(repo, sha.value);
    if (!files.ok()) return fail(files.error.message);
    const QList<HubModelFile> groups = HubClient::groupGgufFiles(files.value);
    if (groups.isEmpty()) return fail(QStringLiteral("%1 has no GGUF files.").arg(repo));
    QString error;
    const HubModelFile * model = choose(groups, want, &error);
    if (!model) return fail(error);
    if (!model->complete)
        return fail(QStringLiteral("%1 is split into %2 shards but the repository holds only %3.")
                        .arg(model->name)
                        .arg(model->shardCount)
                        .arg(model->files.size()));

    std::fprintf(stderr, "pulling %s %s at %s into %s (%s)\n", qPrintable(repo), qPrintable(model->name),
                 qPrintable(sha.value.left(12)), qPrintable(dir), qPrintable(formatBytes(model->totalSize())));
    ProgressLine line(model->totalSize());
    qint64 before = 0;
    QStringList paths;
    for (const HubFile & f : model->files) {
        DownloadFileSpec spec;
        spec.repo = repo;
        spec.revision = sha.value;
        spec.path = f.path;
        spec.url = hub.resolveUrl(repo, sha.value, f.path);
        spec.expectedSize = f.size;
        spec.sha256 = f.sha256;
        spec.destination = QDir(dir).filePath(QFileInfo(f.path).fileName());
        DownloadTask task(spec, hub.httpOptions(), policy);
        task.setProgressCallback([&](const DownloadProgress & p) {
            const qint64 done = before + p.bytesDone;
            const qint64 eta = p.bytesPerSecond > 1 ? qint64(double(model->totalSize() - done) / p.bytesPerSecond) : -1;
            line.update(done, p.bytesPerSecond, eta, false);
        });
        task.setLogCallback([&](const QString & msg) { std::fprintf(stderr, "%s\n", qPrintable(msg)); });
        const DownloadResult r = task.run();
        if (r.outcome != DownloadOutcome::Completed) {
            line.end();
            return fail(r.error.isEmpty() ? QStringLiteral("stopped") : r.error);
        }
        before += f.size;
        paths << r.path;
        line.update(before, 0, 0, true);
    }
    line.end();
    std::fprintf(stderr, "verified %lld file(s), sha256 OK\n", static_cast<long long>(paths.size()));
    std::printf("%s\n", qPrintable(paths.first()));
    return 0;
}

const CommandRegistration kRegistration(
    {"pull", "pull OWNER/REPO [FILE.gguf | QUANT] [--dir DIR] [--revision REV] [--stall-timeout S] [--retries N]",
     runPull});

}  // namespace

}  // namespace Hearth::Cli
