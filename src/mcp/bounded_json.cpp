#include "mcp/bounded_json.h"

#include <utility>
#include <vector>

namespace Hearth::Mcp {

using nlohmann::json;

BoundedParse parseBoundedJson(std::string_view text, const JsonLimits & limits) {
    BoundedParse out;
    if (text.size() > limits.maxBytes) {
        out.error = "message of " + std::to_string(text.size()) + " bytes is over the limit of " +
                    std::to_string(limits.maxBytes);
        return out;
    }
    bool tooDeep = false;
    // `depth` is the number of containers already open around the event, so
    // a container starting at depth d is the (d+1)-th level.
    const json::parser_callback_t check = [&](int depth, json::parse_event_t event, json &) {
        if ((event == json::parse_event_t::object_start || event == json::parse_event_t::array_start) &&
            depth >= limits.maxDepth) {
            tooDeep = true;
            return false;  // discard: the deeper levels are skipped, not built
        }
        return true;
    };
    json value = json::parse(text.begin(), text.end(), check, /*allow_exceptions=*/false);
    if (tooDeep) {
        out.error = "JSON nested deeper than " + std::to_string(limits.maxDepth) + " levels";
        return out;
    }
    if (value.is_discarded()) {
        // Re-run without a DOM to learn where it broke; the SAX pass builds nothing.
        struct Locate : nlohmann::json_sax<json> {
            size_t at = 0;
            std::string what;
            bool null() override { return true; }
            bool boolean(bool) override { return true; }
            bool number_integer(number_integer_t) override { return true; }
            bool number_unsigned(number_unsigned_t) override { return true; }
            bool number_float(number_float_t, const string_t &) override { return true; }
            bool string(string_t &) override { return true; }
            bool binary(binary_t &) override { return true; }
            bool start_object(std::size_t) override { return true; }
            bool key(string_t &) override { return true; }
            bool end_object() override { return true; }
            bool start_array(std::size_t) override { return true; }
            bool end_array() override { return true; }
            bool parse_error(std::size_t pos, const std::string &, const nlohmann::detail::exception &) override {
                at = pos;
                return false;
            }
        } locate;
        json::sax_parse(text.begin(), text.end(), &locate);
        out.error = "invalid JSON at byte " + std::to_string(locate.at);
        return out;
    }
    out.value = std::move(value);
    return out;
}

int jsonDepth(const json & value, int cap) {
    int deepest = 0;
    std::vector<std::pair<const json *, int>> stack{{&value, 0}};
    while (!stack.empty()) {
        auto [v, d] = stack.back();
        stack.pop_back();
        if (!v->is_structured()) continue;
        if (d + 1 > deepest) deepest = d + 1;
        if (deepest >= cap) return cap;
        for (const json & child : *v) stack.emplace_back(&child, d + 1);
    }
    return deepest;
}

}  // namespace Hearth::Mcp
