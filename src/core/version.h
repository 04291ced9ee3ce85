// The app's version string, from the top-level CMake project().
#pragma once

namespace Hearth {
inline constexpr const char * kVersion = HEARTH_VERSION;
}
