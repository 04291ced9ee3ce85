#include "tools/url_fetch_tool.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>

#include "tools/html_text.h"
#include "tools/tool_result.h"

namespace Hearth::Tools {

using nlohmann::json;

namespace {

struct Fetch {
    size_t maxBytes = 0;
    std::string body;
    bool truncated = false;
    const ToolCallContext * context = nullptr;
    bool cancelled = false;
};

size_t onBody(char * data, size_t size, size_t n, void * user) {
    auto * f = static_cast<Fetch *>(user);
    const size_t len = size * n;
    const size_t room = f->maxBytes - std::min(f->maxBytes, f->body.size());
    if (len > room) {
        f->body.append(data, room);
        f->truncated = true;
        return 0;  // enough: libcurl stops with CURLE_WRITE_ERROR, which is expected here
    }
    f->body.append(data, len);
    return len;
}

int onProgress(void * user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    auto * f = static_cast<Fetch *>(user);
    if (f->context && f->context->cancelled && f->context->cancelled()) {
        f->cancelled = true;
        return 1;
    }
    return 0;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return s;
}

bool textualType(const std::string & type) {
    if (type.rfind("text/", 0) == 0) return true;
    static const char * const kText[] = {"application/json",       "application/xml",          "application/xhtml+xml",
                                         "application/javascript", "application/x-javascript", "application/ecmascript",
                                         "application/rss+xml",    "application/atom+xml",     "application/x-yaml",
                                         "application/yaml",       "application/toml"};
    if (std::any_of(std::begin(kText), std::end(kText), [&](const char * t) { return type == t; })) return true;
    const auto ends = [&](const char * suffix) {
        const std::string s(suffix);
        return type.size() > s.size() && type.compare(type.size() - s.size(), s.size(), s) == 0;
    };
    return ends("+json") || ends("+xml");
}

struct CurlDeleter {
    void operator()(CURL * c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
    void operator()(curl_slist * l) const { curl_slist_free_all(l); }
};

}  // namespace

std::string UrlFetchTool::description() const {
    return "Fetches a web page or file over http or https and returns its text (HTML reduced to readable text). "
           "The user confirms every fetch. At most " +
           std::to_string(m_options.maxBytes / 1024) + " KiB are read; binary files are refused.";
}

json UrlFetchTool::inputSchema() const {
    return {{"type", "object"},
            {"properties", {{"url", {{"type", "string"}, {"description", "An http:// or https:// URL"}}}}},
            {"required", json::array({"url"})},
            {"additionalProperties", false}};
}

json UrlFetchTool::call(const json & arguments, const ToolCallContext & context) const {
    std::string error;
    const auto url = stringArgument(arguments, "url", error);
    if (!url) return errorResult(error);
    const std::string scheme = lower(url->substr(0, url->find(':')));
    if ((scheme != "http" && scheme != "https") || url->find("://") != scheme.size())
        return errorResult("only http:// and https:// URLs can be fetched");
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });

    std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
    if (!curl) return errorResult("cannot initialise libcurl");
    Fetch f;
    f.maxBytes = m_options.maxBytes;
    f.context = &context;
    char errorBuffer[CURL_ERROR_SIZE] = {0};
    std::unique_ptr<curl_slist, SlistDeleter> headers(curl_slist_append(
        nullptr, "Accept: text/html, text/plain;q=0.9, application/json;q=0.9, application/xml;q=0.8, */*;q=0.1"));
    CURL * c = curl.get();
    curl_easy_setopt(c, CURLOPT_URL, url->c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");  // never a redirect to file:// or the like
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, m_options.maxRedirects);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, long(std::min(m_options.timeout, context.timeout).count()));
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");  // whatever libcurl can decode
    curl_easy_setopt(c, CURLOPT_USERAGENT, "Hearth (fetch_url tool)");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errorBuffer);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, onBody);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &f);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, onProgress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, &f);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);

    const CURLcode rc = curl_easy_perform(c);
    if (f.cancelled) return errorResult("the fetch was cancelled");
    if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && f.truncated))
        return errorResult("cannot fetch " + *url + ": " + (errorBuffer[0] ? errorBuffer : curl_easy_strerror(rc)));
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    char * typeRaw = nullptr;
    curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &typeRaw);
    const std::string type = lower(typeRaw ? std::string(typeRaw).substr(0, std::string(typeRaw).find(';')) : "");
    char * finalUrl = nullptr;
    curl_easy_getinfo(c, CURLINFO_EFFECTIVE_URL, &finalUrl);

    if (!type.empty() && !textualType(type))
        return errorResult(*url + " is not text (its content type is " + type + ")");
    // Whatever the type says, NUL bytes mean binary (a cut at the cap may split a character, so no stricter check).
    if (f.body.find('\0') != std::string::npos) return errorResult(*url + " is not text (it contains NUL bytes)");
    std::string text = sanitizeUtf8(f.body);
    if (m_options.convertHtml && (type == "text/html" || type == "application/xhtml+xml")) text = htmlToText(text);
    if (f.truncated) text += "\n\n[cut: only the first " + std::to_string(m_options.maxBytes) + " bytes were read]";
    if (status >= 400) {
        if (text.size() > 2000) text = text.substr(0, 2000) + "...";
        return errorResult("HTTP " + std::to_string(status) + " from " + *url + (text.empty() ? "" : ":\n" + text));
    }
    json meta = {
        {"url", finalUrl ? finalUrl : *url}, {"status", status}, {"contentType", type}, {"truncated", f.truncated}};
    return textResult(text, meta);
}

}  // namespace Hearth::Tools
