// hearth-cli inspect: what a GGUF file holds, for people (text) and scripts (--json).
//
// The file is validated by hearth::GgufFile; any problem is one line on stderr
// and exit status 1. Long arrays (vocabularies, merges) are summarised by their
// first kHeadItems items and their count.
#include <cinttypes>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "args.h"
#include "command.h"
#include "hearth/error.h"
#include "hearth/gguf.h"

namespace Hearth::Cli {

namespace {

constexpr size_t kHeadItems = 8;

using Json = nlohmann::ordered_json;

struct Summary {
    std::string architecture;
    uint64_t parameters = 0;
    const char * fileType = nullptr;  // llama.cpp's name, when general.file_type is present and known
    int64_t fileTypeId = -1;
    const char * dominantType = nullptr;  // the tensor type holding the most elements
    int64_t contextLength = -1;
};

Summary summarize(const hearth::GgufFile & f) {
    Summary s;
    if (const hearth::GgufValue * a = f.find("general.architecture"); a && a->is_string())
        s.architecture = a->as_string();
    std::map<uint32_t, uint64_t> elementsByType;
    for (const hearth::GgufTensor & t : f.tensors()) {
        s.parameters += static_cast<uint64_t>(t.n_elements());
        elementsByType[t.type] += static_cast<uint64_t>(t.n_elements());
    }
    uint64_t most = 0;
    for (const auto & [type, n] : elementsByType)
        if (n > most || s.dominantType == nullptr) {
            most = n;
            s.dominantType = hearth::tensor_type_info(type).name;
        }
    if (const hearth::GgufValue * ft = f.find("general.file_type"); ft && ft->is_integer()) {
        s.fileTypeId = ft->as_int("general.file_type");
        if (s.fileTypeId >= 0 && s.fileTypeId <= UINT32_MAX)
            s.fileType = hearth::gguf_file_type_name(static_cast<uint32_t>(s.fileTypeId));
    }
    if (!s.architecture.empty()) {
        const hearth::GgufValue * ctx = f.find(s.architecture + ".context_length");
        if (ctx && ctx->is_integer()) s.contextLength = ctx->as_int("context_length");
    }
    return s;
}

std::string humanCount(uint64_t n) {
    char buf[32];
    if (n >= 1000000000ull)
        std::snprintf(buf, sizeof buf, "%.2fB", double(n) / 1e9);
    else if (n >= 1000000ull)
        std::snprintf(buf, sizeof buf, "%.2fM", double(n) / 1e6);
    else if (n >= 1000ull)
        std::snprintf(buf, sizeof buf, "%.1fK", double(n) / 1e3);
    else
        std::snprintf(buf, sizeof buf, "%" PRIu64, n);
    return buf;
}

Json toJson(const hearth::GgufValue & v) {
    switch (v.type()) {
        case hearth::GgufType_bool:
            return v.as_bool();
        case hearth::GgufType_float32:
        case hearth::GgufType_float64:
            return v.as_float();
        case hearth::GgufType_string:
            return std::string(v.as_string());
        case hearth::GgufType_array: {
            const hearth::GgufArray & a = v.as_array();
            Json items = Json::array();
            size_t shown = a.items.size() <= kHeadItems ? a.items.size() : kHeadItems;
            for (size_t i = 0; i < shown; ++i) items.push_back(toJson(a.items[i]));
            if (shown == a.items.size()) return items;
            return Json{{"type", hearth::gguf_type_name(a.elem_type)}, {"count", a.items.size()}, {"head", items}};
        }
        case hearth::GgufType_int8:
        case hearth::GgufType_int16:
        case hearth::GgufType_int32:
        case hearth::GgufType_int64:
            return v.as_int();
        default:
            return v.as_uint();
    }
}

Json tensorJson(const hearth::GgufTensor & t) {
    Json shape = Json::array();
    for (uint32_t d = 0; d < t.n_dims; ++d) shape.push_back(t.ne[d]);
    return Json{{"name", std::string(t.name)},
                {"type", hearth::tensor_type_info(t.type).name},
                {"shape", shape},
                {"offset", t.offset},
                {"n_bytes", t.n_bytes}};
}

void printJson(const hearth::GgufFile & f, const Summary & s, bool withTensors) {
    Json out;
    out["file"] = f.path();
    out["gguf_version"] = f.version();
    out["architecture"] = s.architecture;
    out["parameters"] = s.parameters;
    out["file_type"] = s.fileType ? Json(s.fileType) : Json(nullptr);
    out["file_type_id"] = s.fileTypeId >= 0 ? Json(s.fileTypeId) : Json(nullptr);
    out["dominant_tensor_type"] = s.dominantType ? Json(s.dominantType) : Json(nullptr);
    out["context_length"] = s.contextLength >= 0 ? Json(s.contextLength) : Json(nullptr);
    out["tensor_count"] = f.tensors().size();
    out["alignment"] = f.alignment();
    out["data_offset"] = f.data_offset();
    out["file_size"] = f.file_size();
    Json meta = Json::object();
    for (const hearth::GgufKv & kv : f.metadata()) meta[std::string(kv.key)] = toJson(kv.value);
    out["metadata"] = meta;
    if (withTensors) {
        Json tensors = Json::array();
        for (const hearth::GgufTensor & t : f.tensors()) tensors.push_back(tensorJson(t));
        out["tensors"] = tensors;
    }
    // GGUF strings are not guaranteed to be UTF-8; replace bad bytes rather than fail.
    std::string text = out.dump(2, ' ', false, Json::error_handler_t::replace);
    std::printf("%s\n", text.c_str());
}

void printText(const hearth::GgufFile & f, const Summary & s, bool withTensors) {
    std::printf("file:            %s\n", f.path().c_str());
    std::printf("GGUF version:    %u\n", f.version());
    std::printf("architecture:    %s\n", s.architecture.empty() ? "(none)" : s.architecture.c_str());
    std::printf("parameters:      %s (%" PRIu64 ")\n", humanCount(s.parameters).c_str(), s.parameters);
    if (s.fileType)
        std::printf("file type:       %s (%" PRId64 ")\n", s.fileType, s.fileTypeId);
    else if (s.fileTypeId >= 0)
        std::printf("file type:       unknown (%" PRId64 ")\n", s.fileTypeId);
    else
        std::printf("file type:       (not set)\n");
    std::printf("dominant type:   %s\n", s.dominantType ? s.dominantType : "(no tensors)");
    if (s.contextLength >= 0)
        std::printf("context length:  %" PRId64 "\n", s.contextLength);
    else
        std::printf("context length:  (not set)\n");
    std::printf("tensors:         %zu\n", f.tensors().size());
    std::printf("metadata:        %zu keys\n", f.metadata().size());
    for (const hearth::GgufKv & kv : f.metadata()) {
        std::string key(kv.key);
        std::string value = kv.value.to_string(kHeadItems);
        std::string type = hearth::gguf_type_name(kv.value.type());
        if (kv.value.is_array()) type += std::string("[") + hearth::gguf_type_name(kv.value.as_array().elem_type) + "]";
        std::printf("  %s: %s = %s\n", key.c_str(), type.c_str(), value.c_str());
    }
    if (!withTensors) return;
    std::printf("tensor list:\n");
    for (const hearth::GgufTensor & t : f.tensors()) {
        std::string name(t.name);
        std::printf("  %-40s %-8s %s\n", name.c_str(), hearth::tensor_type_info(t.type).name, t.shape_string().c_str());
    }
}

// Error messages quote keys and tensor names from the file, which may hold
// newlines; the contract is one line on stderr.
std::string oneLine(std::string s) {
    for (char & c : s)
        if (static_cast<unsigned char>(c) < 0x20) c = ' ';
    return s;
}

int runInspect(int argc, char ** argv) {
    Args args(argc, argv, {}, {{"--json"}, {"--tensors"}});
    if (args.positional().size() != 1) throw UsageError("expected one MODEL.gguf");
    try {
        hearth::GgufFile f = hearth::GgufFile::open(args.positional()[0]);
        Summary s = summarize(f);
        if (args.flag("--json"))
            printJson(f, s, args.flag("--tensors"));
        else
            printText(f, s, args.flag("--tensors"));
    } catch (const hearth::Error & e) {
        std::fprintf(stderr, "hearth-cli inspect: error: %s\n", oneLine(e.what()).c_str());
        return 1;
    }
    return 0;
}

const CommandRegistration kRegistration({"inspect", "inspect MODEL.gguf [--json] [--tensors]", runInspect});

}  // namespace

}  // namespace Hearth::Cli
