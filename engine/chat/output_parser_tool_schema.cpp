#include "chat/output_parser_tool_schema.h"

#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "hearth/json_depth.h"

namespace hearth::output_parser_detail {

namespace {

using json = nlohmann::ordered_json;

bool is_string_format(const std::string & f) {
    for (const char * s : {"date", "time", "date-time", "uri", "email", "hostname", "ipv4", "ipv6"})
        if (f == s) return true;
    return f.rfind("uuid", 0) == 0;
}

class StringCheck {
public:
    explicit StringCheck(const json & root) : m_root(root) {}

    bool operator()(const json & s) {
        if (!s.is_object()) return false;
        if (auto ref = s.find("$ref"); ref != s.end()) return follow(*ref);
        if (auto type = s.find("type"); type != s.end()) {
            if (*type == "string") return true;
            if (type->is_array())
                for (const json & t : *type)
                    if (t == "string") return true;
        }
        for (const char * key : {"oneOf", "anyOf"})
            if (auto alts = s.find(key); alts != s.end() && alts->is_array())
                for (const json & alt : *alts)
                    if ((*this)(alt)) return true;
        if (auto parts = s.find("allOf"); parts != s.end() && parts->is_array()) {
            bool all = true;
            for (const json & part : *parts) all = all && (*this)(part);
            if (all) return true;
        }
        if (auto c = s.find("const"); c != s.end() && c->is_string()) return true;
        if (auto e = s.find("enum"); e != s.end() && e->is_array())
            for (const json & v : *e)
                if (v.is_string()) return true;
        if (s.contains("pattern") || s.contains("minLength") || s.contains("maxLength")) return true;
        auto fmt = s.find("format");
        return fmt != s.end() && fmt->is_string() && is_string_format(fmt->get<std::string>());
    }

private:
    // A local JSON pointer into the function's parameters ("#/$defs/Zip").
    bool follow(const json & ref) {
        if (!ref.is_string()) return false;
        const std::string & r = ref.get_ref<const std::string &>();
        if (r.rfind("#", 0) != 0 || !m_seen.insert(r).second) return false;
        try {
            const json * target = &m_root.at(json::json_pointer(r.substr(1)));
            return (*this)(*target);
        } catch (const json::exception &) {
            return false;
        }
    }

    const json & m_root;
    std::set<std::string> m_seen;
};

}  // namespace

ParamTypes::Kind ParamTypes::kind(std::string_view function, std::string_view parameter) const {
    for (const Entry & e : entries)
        if (e.function == function && e.parameter == parameter) return e.kind;
    return unknown;
}

ParamTypes param_types_from_tools(std::string_view tools_json) {
    ParamTypes out;
    if (tools_json.empty() || !json_depth_within(tools_json)) return out;
    json tools = json::parse(tools_json.begin(), tools_json.end(), nullptr, false);
    if (!tools.is_array()) return out;
    try {
        for (const json & tool : tools) {
            const json & fn = tool.contains("function") ? tool.at("function") : tool;
            if (!fn.is_object() || !fn.contains("name") || !fn.at("name").is_string()) continue;
            auto params = fn.find("parameters");
            if (params == fn.end() || !params->is_object()) continue;
            auto props = params->find("properties");
            if (props == params->end() || !props->is_object()) continue;
            for (auto it = props->begin(); it != props->end(); ++it) {
                StringCheck is_string(*params);
                out.entries.push_back({fn.at("name").get<std::string>(), it.key(),
                                       is_string(it.value()) ? ParamTypes::string : ParamTypes::other});
            }
        }
    } catch (const json::exception &) {
        return ParamTypes{};
    }
    return out;
}

}  // namespace hearth::output_parser_detail
