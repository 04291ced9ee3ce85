// Locking mapped weights in RAM (llama.cpp's --mlock): the kernel may then
// never page them out, so the first token after a quiet spell is not slowed
// by reading the file back.
#pragma once

#include <cstddef>
#include <string>

namespace hearth {

// mlock()s [data, data + size). "" on success; otherwise a sentence saying
// why not, with RLIMIT_MEMLOCK and what it would need, so that the user can
// raise it (`ulimit -l`, systemd's LimitMEMLOCK=). Never throws.
std::string lock_in_memory(const std::string & what, const void * data, size_t size);

// RLIMIT_MEMLOCK's soft limit in bytes; SIZE_MAX when unlimited.
size_t memlock_limit();

}  // namespace hearth
