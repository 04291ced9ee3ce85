// select_gpu (hearth/gpu.h): which of the probed GPUs the user means.
#include <algorithm>
#include <cctype>

#include "hearth/gpu.h"

namespace hearth {

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return s;
}

bool all_digits(const std::string & s) {
    return !s.empty() && s.size() <= 4 &&
           std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

std::string device_list(const GpuProbe & probe) {
    std::string list;
    for (const GpuDevice & d : probe.devices)
        list += (list.empty() ? "" : ", ") + std::to_string(d.index) + ": " + d.name;
    return list.empty() ? "none" : list;
}

}  // namespace

const GpuDevice * select_gpu(const GpuProbe & probe, const std::string & which, std::string & why) {
    why.clear();
    if (!probe.available()) {
        why = probe.reason.empty() ? "no GPU was found" : probe.reason;
        return nullptr;
    }
    if (which.empty()) return &probe.devices.front();
    if (all_digits(which)) {
        const int index = std::stoi(which);
        for (const GpuDevice & d : probe.devices)
            if (d.index == index) return &d;
    } else {
        const std::string want = lower(which);
        for (const GpuDevice & d : probe.devices)
            if (lower(d.name).find(want) != std::string::npos) return &d;
    }
    why = "no GPU matches '" + which + "' (GPUs: " + device_list(probe) + ")";
    return nullptr;
}

}  // namespace hearth
