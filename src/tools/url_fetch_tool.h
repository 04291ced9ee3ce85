// The URL fetch tool: GETs an http or https URL and returns its text (HTML
// reduced to readable text). libcurl, with only http and https allowed for
// the URL and for every redirect (never file://, ftp:// ...), a redirect
// limit, a timeout, and a size cap past which the text is cut and marked.
// Binary content types are refused.
//
// Its policy is "off by default, and ask before every call": it reaches the
// network on the model's word, so the app confirms each URL with the user.
#pragma once

#include "tools/builtin_tool.h"

namespace Hearth::Tools {

struct FetchOptions {
    size_t maxBytes = 1u << 20;  // bytes of the body read; the text is cut there
    std::chrono::milliseconds timeout{20000};
    long maxRedirects = 5;
    bool convertHtml = true;
};

class UrlFetchTool : public BuiltinTool {
public:
    explicit UrlFetchTool(FetchOptions options = {}) : m_options(options) {}
    std::string name() const override { return "fetch_url"; }
    std::string description() const override;
    nlohmann::json inputSchema() const override;
    ToolPolicy policy() const override { return {false, true}; }
    nlohmann::json call(const nlohmann::json & arguments, const ToolCallContext & context) const override;

private:
    FetchOptions m_options;
};

}  // namespace Hearth::Tools
