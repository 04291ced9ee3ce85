# What Hearth asks of a CUDA toolkit, as functions (tests/cmake checks them
# with `cmake -P`):
#
# hearth_cuda_release(<nvcc --version text> <out>)
#   "12.4" from "Cuda compilation tools, release 12.4, V12.4.131"; "" if absent.
# hearth_cuda_check_release(<release> <out_why>)
#   "" for CUDA 12 or newer, else why not: the backend uses the CUDA 12 graph
#   API (cudaGraphInstantiate with flags, cudaGraphExecUpdate's result info)
#   and lazy module loading.
# hearth_cuda_default_architectures(<release> <out>)
#   The release set: machine code (SASS) for Turing, Ampere, Ada and Hopper
#   (plus Blackwell from CUDA 12.8), and PTX for the newest only, which the
#   driver of a newer card compiles at the first launch of each kernel. The
#   backend's warm-up runs every kernel before the decode graph is captured,
#   so that compile never happens inside a capture.
# hearth_cuda_check_flags(<CUDA flags> <out_why>)
#   "" unless the flags ask for fast math: the activation and KV quantizers
#   must round exactly as the CPU does, with IEEE division.

function(hearth_cuda_release text out)
  set(_release "")
  if(text MATCHES "release ([0-9]+\\.[0-9]+)")
    set(_release "${CMAKE_MATCH_1}")
  endif()
  set(${out} "${_release}" PARENT_SCOPE)
endfunction()

function(hearth_cuda_check_release release out_why)
  set(_why "")
  if(release STREQUAL "")
    set(_why "the CUDA compiler's version could not be read")
  elseif(release VERSION_LESS 12.0)
    set(_why "CUDA ${release} is too old: Hearth's CUDA backend needs CUDA 12 or newer (it uses the CUDA 12 graph "
             "API, cudaGraphInstantiate with flags and cudaGraphExecUpdate's result info)")
  endif()
  set(${out_why} "${_why}" PARENT_SCOPE)
endfunction()

function(hearth_cuda_default_architectures release out)
  set(_real 75 80 86 89)
  set(_newest 90)
  if(NOT release VERSION_LESS 12.8)
    list(APPEND _real 90 100)
    set(_newest 120)
  endif()
  list(TRANSFORM _real APPEND "-real")
  list(APPEND _real ${_newest})  # a plain number: SASS and PTX
  set(${out} "${_real}" PARENT_SCOPE)
endfunction()

function(hearth_cuda_check_flags flags out_why)
  set(_why "")
  if(flags MATCHES "use_fast_math|use-fast-math")
    set(_why "--use_fast_math is not supported: the activation and KV-cache quantizers must round exactly as the "
             "CPU backend does, which needs IEEE division")
  endif()
  set(${out_why} "${_why}" PARENT_SCOPE)
endfunction()
