#include "golden.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "common/fixtures.h"

namespace runtime_test {

namespace {
std::vector<int32_t> ids_of(const QJsonArray & a) {
    std::vector<int32_t> out;
    for (const QJsonValue & v : a) out.push_back(int32_t(v.toInt()));
    return out;
}
}  // namespace

Golden load_golden(const std::string & rel) {
    Golden g;
    g.model_path = hearth_test::fixture(rel);
    const std::string json_rel = rel.substr(0, rel.size() - 5) + ".golden.json";
    const std::string text = hearth_test::read_text(hearth_test::fixture(json_rel));
    const QJsonObject o = QJsonDocument::fromJson(QByteArray::fromStdString(text)).object();
    if (o.isEmpty()) throw std::runtime_error("cannot parse " + json_rel);
    g.prompt_ids = ids_of(o["prompt_ids"].toArray());
    g.greedy_ids = ids_of(o["greedy_ids"].toArray());
    g.n_vocab = o["n_vocab"].toInt();
    g.max_nrmse = o["tolerance"].toObject()["max_nrmse"].toDouble();
    g.min_top1 = o["tolerance"].toObject()["min_top1"].toDouble();
    const std::string dir = rel.substr(0, rel.rfind('/') + 1);
    const std::vector<uint8_t> bytes =
        hearth_test::read_bytes(hearth_test::fixture(dir + o["logits_file"].toString().toStdString()));
    if (bytes.size() != g.prompt_ids.size() * size_t(g.n_vocab) * 4)
        throw std::runtime_error("logits file of " + rel + " has an unexpected size");
    g.logits.resize(bytes.size() / 4);
    std::memcpy(g.logits.data(), bytes.data(), bytes.size());
    return g;
}

int32_t argmax(const float * x, int32_t n) {
    int32_t best = 0;
    for (int32_t i = 1; i < n; ++i)
        if (x[i] > x[best]) best = i;
    return best;
}

Agreement compare_logits(const std::vector<float> & golden, const std::vector<float> & ours, int32_t n_vocab) {
    Agreement a;
    const size_t n_pos = golden.size() / size_t(n_vocab);
    size_t same = 0;
    for (size_t p = 0; p < n_pos; ++p) {
        const float * g = golden.data() + p * n_vocab;
        const float * o = ours.data() + p * n_vocab;
        double num = 0.0, den = 0.0;
        for (int32_t i = 0; i < n_vocab; ++i) {
            num += (double(g[i]) - o[i]) * (double(g[i]) - o[i]);
            den += double(g[i]) * g[i];
        }
        a.max_nrmse = std::max(a.max_nrmse, std::sqrt(num / den));
        same += argmax(g, n_vocab) == argmax(o, n_vocab);
    }
    a.top1 = n_pos ? double(same) / double(n_pos) : 0.0;
    return a;
}

std::vector<std::string> synthetic_models() {
    QDir dir(QString::fromStdString(hearth_test::fixture("models/synthetic")));
    std::vector<std::string> out;
    for (const QString & f : dir.entryList({"*.gguf"}, QDir::Files, QDir::Name))
        out.push_back("models/synthetic/" + f.toStdString());
    return out;
}

}  // namespace runtime_test
