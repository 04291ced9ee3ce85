# Warnings, sanitizers and ISA policy shared by every Hearth target.
#
# Shipped builds never use -march=native: the engine selects SIMD kernels at run
# time (engine/cpu), so individual kernel files opt into wider ISAs with
# per-file flags instead.

add_library(hearth_options INTERFACE)
# The language level is a property of the targets (each links hearth_options),
# not a global setting imposed on whatever includes this project.
target_compile_features(hearth_options INTERFACE cxx_std_20)
target_compile_options(hearth_options INTERFACE
  $<$<COMPILE_LANGUAGE:CXX,C>:-Wall -Wextra -Wno-missing-field-initializers>)
if(HEARTH_WERROR)
  target_compile_options(hearth_options INTERFACE $<$<COMPILE_LANGUAGE:CXX,C>:-Werror>)
endif()
if(HEARTH_SANITIZE)
  target_compile_options(hearth_options INTERFACE
    $<$<COMPILE_LANGUAGE:CXX,C>:-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined>)
  target_link_options(hearth_options INTERFACE -fsanitize=address,undefined)
endif()

# No compiler launcher is forced here: run.sh passes ccache as
# CMAKE_<LANG>_COMPILER_LAUNCHER when it is installed, and other builds choose.
