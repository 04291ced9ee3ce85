#include "util/memory_lock.h"

#include <sys/mman.h>
#include <sys/resource.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>

namespace hearth {

namespace {

std::string mib(size_t bytes) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f MiB", double(bytes) / double(1u << 20));
    return text;
}

}  // namespace

size_t memlock_limit() {
    rlimit lim{};
    if (getrlimit(RLIMIT_MEMLOCK, &lim) != 0 || lim.rlim_cur == RLIM_INFINITY) return SIZE_MAX;
    return size_t(lim.rlim_cur);
}

std::string lock_in_memory(const std::string & what, const void * data, size_t size) {
    if (data == nullptr || size == 0) return {};
    if (::mlock(data, size) == 0) return {};
    const int err = errno;
    const size_t limit = memlock_limit();
    std::string note = "cannot lock " + what + " in memory (" + mib(size) + "): " + std::strerror(err);
    if (limit != SIZE_MAX && limit < size)
        note += "; RLIMIT_MEMLOCK is " + std::to_string(limit / 1024) + " KiB, it needs at least " + mib(size) +
                ": raise it with 'ulimit -l' (or LimitMEMLOCK= for a systemd service)";
    return note + "; the weights stay unlocked";
}

}  // namespace hearth
