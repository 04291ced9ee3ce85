// The mock Hub the Models UI tests run against: two GGUF repos, one holding
// the real stories260K model (so a download lands as a readable model), and a
// fixed memory budget so the fit badges do not depend on this machine.
#pragma once

#include <QFile>
#include <vector>

#include "common/fixtures.h"
#include "hearth/gguf_writer.h"
#include "mock_hub.h"
#include "model_library_model.h"

namespace models_test {

inline const std::string kStoriesRepo = "hearth-test/stories-260K-GGUF";
inline const std::string kStoriesFile = "stories260K-Q8_0.gguf";
inline const std::string kPartialFile = "stories260K-F32.gguf";  // 12 MB of random bytes, not a GGUF

inline std::string readFixture(const std::string & rel) {
    QFile f(QString::fromStdString(hearth_test::fixture(rel)));
    if (!f.open(QIODevice::ReadOnly)) return {};
    return f.readAll().toStdString();
}

inline void populate(mockhub::MockHub & hub) {
    mockhub::Repo & stories = hub.addRepo(kStoriesRepo, std::string(40, 'a'), 125400);
    stories.likes = 42;
    const std::string gguf = readFixture("models/stories260K.gguf");
    stories.files.push_back({kStoriesFile, gguf, mockhub::MockHub::sha256Hex(gguf), true});
    hub.addFile(kStoriesRepo, kPartialFile, 12 * 1024 * 1024);
    hub.addFile(kStoriesRepo, "README.md", 300, false);
    mockhub::Repo & big = hub.addRepo("hearth-test/big-70B-GGUF", std::string(40, 'b'), 9800, true);
    big.likes = 7;
    // Newer and trending: the sort options put it first.
    big.lastModified = "2026-07-01T08:00:00.000Z";
    big.trendingScore = 90;
    stories.trendingScore = 12;
    hub.addFile(big.id, "big-70B-IQ4_XS-00001-of-00002.gguf", 4000);
    hub.addFile(big.id, "big-70B-IQ4_XS-00002-of-00002.gguf", 4000);
    hub.addRepo("someone-else/unrelated", std::string(40, 'c'), 5);
}

// A repo whose GGUF has an architecture Hearth does not run.
inline const std::string kMambaRepo = "hearth-test/mamba-GGUF";
inline void addUnsupportedRepo(mockhub::MockHub & hub) {
    hearth::GgufWriter w;
    w.add_string("general.architecture", "mamba");
    w.add_u32("mamba.context_length", 2048);
    w.add_tensor_f32("token_embd.weight", {8, 4}, std::vector<float>(32, 0.5f));
    const std::vector<uint8_t> bytes = w.to_bytes();
    const std::string gguf(bytes.begin(), bytes.end());
    mockhub::Repo & r = hub.addRepo(kMambaRepo, std::string(40, 'd'), 10);
    r.files.push_back({"mamba-Q8_0.gguf", gguf, mockhub::MockHub::sha256Hex(gguf), true});
}

// 70 MiB of VRAM, 100 MiB of RAM: the stories model's plan puts it all on the
// GPU; the 12 MB file is random bytes, so it has no plan and no badge.
inline Hearth::MemoryBudget budget() {
    Hearth::MemoryBudget b;
    b.freeVramBytes = 70ll << 20;
    b.freeRamBytes = 100ll << 20;
    b.contextLength = 512;
    return b;
}

}  // namespace models_test
