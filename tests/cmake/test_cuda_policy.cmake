# cmake -P: the CUDA toolkit policy of cmake/HearthCudaPolicy.cmake.
include(${HEARTH_SOURCE_DIR}/cmake/HearthCudaPolicy.cmake)

function(expect what got want)
  if(NOT "${got}" STREQUAL "${want}")
    message(FATAL_ERROR "${what}: got '${got}', want '${want}'")
  endif()
endfunction()

hearth_cuda_release("nvcc: NVIDIA (R) Cuda compiler driver\nCuda compilation tools, release 12.4, V12.4.131\n" r)
expect("release" "${r}" "12.4")
hearth_cuda_release("no version here" r)
expect("no release" "${r}" "")

hearth_cuda_check_release("11.8" why)
if(NOT why MATCHES "CUDA 11.8 is too old.*CUDA 12 or newer")
  message(FATAL_ERROR "11.8 must be refused with a reason, got '${why}'")
endif()
hearth_cuda_check_release("" why)
if(why STREQUAL "")
  message(FATAL_ERROR "an unreadable version must be refused")
endif()
foreach(ok 12.0 12.8 13.0)
  hearth_cuda_check_release("${ok}" why)
  expect("CUDA ${ok}" "${why}" "")
endforeach()

# PTX for the newest architecture only.
hearth_cuda_default_architectures("12.4" a)
expect("12.4 architectures" "${a}" "75-real;80-real;86-real;89-real;90")
hearth_cuda_default_architectures("13.0" a)
expect("13.0 architectures" "${a}" "75-real;80-real;86-real;89-real;90-real;100-real;120")

hearth_cuda_check_flags("-O3 --use_fast_math" why)
if(NOT why MATCHES "IEEE division")
  message(FATAL_ERROR "fast math must be refused, got '${why}'")
endif()
hearth_cuda_check_flags("-lineinfo" why)
expect("plain flags" "${why}" "")
