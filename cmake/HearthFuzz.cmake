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

# hearth_add_fuzzer(NAME <name> SOURCES <files...> [DEPENDS <files...>]
#                   [INCLUDES <dirs...>] SCRIPT <run script> [SCRIPT_ARGS <args...>])
# Builds the libFuzzer target <name>_fuzzer from SOURCES with clang
# (ASan/UBSan; DEPENDS are extra files, e.g. headers, that rebuild it) and
# registers the CTest entry test_<name>_fuzz (label fuzz): `sh SCRIPT <fuzzer>
# SCRIPT_ARGS...`. Without a clang++ able to link -fsanitize=fuzzer, the
# entry is registered as skipped, saying why.
function(hearth_add_fuzzer)
  cmake_parse_arguments(F "" "NAME;SCRIPT" "SOURCES;DEPENDS;INCLUDES;SCRIPT_ARGS" ${ARGN})
  get_property(_probed GLOBAL PROPERTY HEARTH_FUZZ_OK SET)
  if(NOT _probed)
    hearth_fuzz_probe(_ok)
    set_property(GLOBAL PROPERTY HEARTH_FUZZ_OK ${_ok})
    set_property(GLOBAL PROPERTY HEARTH_FUZZ_WHY "${_ok_WHY}")
    if(NOT _ok)
      message(WARNING "Hearth: no clang++ able to build libFuzzer targets (-fsanitize=fuzzer) was found "
                      "(${_ok_WHY}); the fuzz tests are registered as SKIPPED. "
                      "Install clang and its runtime (e.g. clang-14 libclang-rt-14-dev).")
    endif()
  endif()
  get_property(_ok GLOBAL PROPERTY HEARTH_FUZZ_OK)
  get_property(_why GLOBAL PROPERTY HEARTH_FUZZ_WHY)
  if(NOT _ok)
    add_test(NAME test_${F_NAME}_fuzz COMMAND sh -c "echo 'test_${F_NAME}_fuzz skipped: no clang++ with libFuzzer at configure time'; exit 77")
    set_tests_properties(test_${F_NAME}_fuzz PROPERTIES LABELS fuzz SKIP_RETURN_CODE 77)
    return()
  endif()
  set(_fuzzer ${CMAKE_CURRENT_BINARY_DIR}/fuzz/${F_NAME}_fuzzer)
  set(_includes "")
  foreach(dir IN LISTS F_INCLUDES)
    list(APPEND _includes -I${dir})
  endforeach()
  add_custom_command(OUTPUT ${_fuzzer}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_CURRENT_BINARY_DIR}/fuzz
    COMMAND ${HEARTH_CLANGXX} -std=c++20 -O1 -g -Wall -Wextra -Wno-missing-field-initializers
            -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
            ${_includes} ${F_SOURCES} -o ${_fuzzer}
    DEPENDS ${F_SOURCES} ${F_DEPENDS}
    COMMENT "Building the ${F_NAME} libFuzzer target with ${HEARTH_CLANGXX}"
    VERBATIM)
  add_custom_target(${F_NAME}_fuzzer ALL DEPENDS ${_fuzzer})
  add_test(NAME test_${F_NAME}_fuzz COMMAND sh ${F_SCRIPT} ${_fuzzer} ${F_SCRIPT_ARGS})
  set_tests_properties(test_${F_NAME}_fuzz PROPERTIES LABELS fuzz TIMEOUT 300
    ENVIRONMENT "ASAN_OPTIONS=abort_on_error=1:detect_leaks=1;UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1")
endfunction()
