// The clock every jinja2 golden was rendered with: strftime_now() formats
// 2026-01-15 09:30:00, a Thursday (fixtures/templates/README.md).
#pragma once

#include <ctime>

#include "hearth/jinja.h"

namespace hearth_test {

inline hearth::JinjaRenderOptions fixed_clock() {
    hearth::JinjaRenderOptions o;
    std::tm tm{};
    tm.tm_year = 2026 - 1900;
    tm.tm_mon = 0;
    tm.tm_mday = 15;
    tm.tm_hour = 9;
    tm.tm_min = 30;
    tm.tm_wday = 4;
    tm.tm_yday = 14;
    o.now = tm;
    return o;
}

}  // namespace hearth_test
