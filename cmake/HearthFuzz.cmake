# hearth_fuzz_probe(<out-var>): TRUE when a clang++ (HEARTH_CLANGXX) can build
# libFuzzer targets with ASan/UBSan; libFuzzer needs clang whatever compiles
# the rest, so fuzz targets are built by custom commands with it. The reason
# when not lands in <out-var>_WHY.
function(hearth_fuzz_probe out)
  find_program(HEARTH_CLANGXX NAMES clang++ clang++-18 clang++-17 clang++-16 clang++-15 clang++-14)
  set(${out} FALSE PARENT_SCOPE)
  if(NOT HEARTH_CLANGXX)
    set(${out}_WHY "no clang++ found" PARENT_SCOPE)
    return()
  endif()
  set(_probe ${CMAKE_CURRENT_BINARY_DIR}/fuzz_probe.cpp)
  file(WRITE ${_probe} "#include <cstdint>\n#include <cstddef>\nextern \"C\" int LLVMFuzzerTestOneInput(const uint8_t *, size_t) { return 0; }\n")
  execute_process(COMMAND ${HEARTH_CLANGXX} -fsanitize=fuzzer,address,undefined ${_probe} -o ${CMAKE_CURRENT_BINARY_DIR}/fuzz_probe
                  RESULT_VARIABLE _probe_rc OUTPUT_QUIET ERROR_VARIABLE _probe_err)
  if(_probe_rc EQUAL 0)
    set(${out} TRUE PARENT_SCOPE)
  else()
    set(${out}_WHY "${HEARTH_CLANGXX}: ${_probe_rc} ${_probe_err}" PARENT_SCOPE)
  endif()
endfunction()
