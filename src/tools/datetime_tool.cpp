#include "tools/datetime_tool.h"

#include <cstdio>
#include <cstdlib>

#include "tools/tool_result.h"

namespace Hearth::Tools {

using nlohmann::json;

namespace {

std::string format(const std::tm & tm, const char * pattern) {
    char buf[128];
    const size_t n = std::strftime(buf, sizeof buf, pattern, &tm);
    return std::string(buf, n);
}

// "+02:00" from the seconds east of UTC.
std::string offsetText(long seconds) {
    const char sign = seconds < 0 ? '-' : '+';
    const long a = std::labs(seconds) % (100 * 3600);  // real offsets are under 15 hours
    char buf[32];
    std::snprintf(buf, sizeof buf, "%c%02ld:%02ld", sign, a / 3600, (a % 3600) / 60);
    return buf;
}

}  // namespace

json describeMoment(std::time_t t) {
    std::tm local{};
    std::tm utc{};
    localtime_r(&t, &local);
    gmtime_r(&t, &utc);
    const std::string offset = offsetText(local.tm_gmtoff);
    const std::string localIso = format(local, "%Y-%m-%dT%H:%M:%S") + offset;
    const std::string utcIso = format(utc, "%Y-%m-%dT%H:%M:%SZ");
    const std::string zone = local.tm_zone ? local.tm_zone : "";
    const std::string weekday = format(local, "%A");
    const std::string text = "It is " + weekday + ", " + format(local, "%d %B %Y, %H:%M:%S") + " (" + localIso +
                             "), time zone " + zone + " (UTC" + offset + "). In UTC: " + utcIso + ".";
    return {{"text", text},
            {"local", localIso},
            {"utc", utcIso},
            {"weekday", weekday},
            {"timezone", zone},
            {"utcOffset", offset},
            {"unix", static_cast<long long>(t)}};
}

std::string DateTimeTool::description() const {
    return "Returns the current date, time, weekday and time zone of the user's computer, and the time in UTC.";
}

json DateTimeTool::inputSchema() const {
    return {{"type", "object"}, {"properties", json::object()}, {"additionalProperties", false}};
}

json DateTimeTool::call(const json &, const ToolCallContext &) const {
    json moment = describeMoment(std::time(nullptr));
    const std::string text = moment["text"];
    moment.erase("text");
    return textResult(text, moment);
}

}  // namespace Hearth::Tools
