# `cmake --build build --target format` rewrites the sources with .clang-format.
find_program(HEARTH_CLANG_FORMAT NAMES clang-format clang-format-14)
if(HEARTH_CLANG_FORMAT)
  file(GLOB_RECURSE _hearth_format_sources CONFIGURE_DEPENDS
       ${PROJECT_SOURCE_DIR}/engine/*.h ${PROJECT_SOURCE_DIR}/engine/*.cpp ${PROJECT_SOURCE_DIR}/engine/*.cu
       ${PROJECT_SOURCE_DIR}/src/*.h ${PROJECT_SOURCE_DIR}/src/*.cpp
       ${PROJECT_SOURCE_DIR}/tests/*.h ${PROJECT_SOURCE_DIR}/tests/*.cpp)
  add_custom_target(format COMMAND ${HEARTH_CLANG_FORMAT} -i ${_hearth_format_sources}
                    COMMENT "clang-format" VERBATIM)
endif()
