# hearth_include_root(<target>): <target> exports its own headers, and only
# them, under the spelling "<folder>/x.h" ("core/conversation_store.h").
#
# The libraries of src/ used to export src/ itself, so anything linking
# hearth_core could include "app/..." or "server/..." as well. Instead each
# gets a root of its own in the build tree, ${PROJECT_BINARY_DIR}/include/<target>,
# holding one symlink <folder> -> this source folder, made at configure time
# (a fresh clone or CI build makes it; nothing is installed from it: the
# packages ship programs, not headers).
function(hearth_include_root target)
  get_filename_component(_folder ${CMAKE_CURRENT_SOURCE_DIR} NAME)
  set(_root ${PROJECT_BINARY_DIR}/include/${target})
  file(MAKE_DIRECTORY ${_root})
  # Made again at every configure: a build folder reused for another checkout
  # must not keep pointing at the old one.
  file(CREATE_LINK ${CMAKE_CURRENT_SOURCE_DIR} ${_root}/${_folder} SYMBOLIC)
  target_include_directories(${target} PUBLIC $<BUILD_INTERFACE:${_root}>)
endfunction()
