# Warnings, sanitizers and ISA policy shared by every Hearth target.
#
# Shipped builds never use -march=native: the engine selects SIMD kernels at run
# time (engine/cpu), so individual kernel files opt into wider ISAs with
# per-file flags instead.

add_library(hearth_options INTERFACE)
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

find_program(HEARTH_CCACHE ccache)
if(HEARTH_CCACHE)
  set(CMAKE_CXX_COMPILER_LAUNCHER "${HEARTH_CCACHE}")
  set(CMAKE_C_COMPILER_LAUNCHER "${HEARTH_CCACHE}")
endif()
