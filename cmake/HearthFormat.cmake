# `cmake --build build --target format` rewrites the sources with .clang-format.
find_program(HEARTH_CLANG_FORMAT NAMES clang-format-14 clang-format)
if(HEARTH_CLANG_FORMAT)
  file(GLOB_RECURSE _hearth_format_sources CONFIGURE_DEPENDS
       ${PROJECT_SOURCE_DIR}/engine/*.h ${PROJECT_SOURCE_DIR}/engine/*.cpp ${PROJECT_SOURCE_DIR}/engine/*.cu
       ${PROJECT_SOURCE_DIR}/src/*.h ${PROJECT_SOURCE_DIR}/src/*.cpp
       ${PROJECT_SOURCE_DIR}/tests/*.h ${PROJECT_SOURCE_DIR}/tests/*.cpp)
  add_custom_target(format COMMAND ${HEARTH_CLANG_FORMAT} -i ${_hearth_format_sources}
                    COMMENT "clang-format" VERBATIM)
endif()

# CI checks the formatting (label unit): every source must already be what
# `format` would write. clang-format versions format differently, so the
# check runs only with the one the tree is formatted with (Debian 12's 14).
if(HEARTH_BUILD_TESTS)
  if(HEARTH_CLANG_FORMAT)
    execute_process(COMMAND ${HEARTH_CLANG_FORMAT} --version OUTPUT_VARIABLE _clang_format_version)
  endif()
  if(_clang_format_version MATCHES "version 14\\.")
    add_test(NAME test_format_check
             COMMAND ${HEARTH_CLANG_FORMAT} --dry-run --Werror ${_hearth_format_sources})
    set_tests_properties(test_format_check PROPERTIES LABELS unit TIMEOUT 300)
  else()
    add_test(NAME test_format_check COMMAND sh -c "echo 'test_format_check skipped: needs clang-format 14 (apt-get install clang-format)'; exit 77")
    set_tests_properties(test_format_check PROPERTIES LABELS unit SKIP_RETURN_CODE 77)
  endif()
endif()
