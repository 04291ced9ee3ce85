# HEARTH_CUDA=AUTO builds the CUDA backend when nvcc is found; ON requires it;
# OFF never touches the CUDA toolkit. The result is HEARTH_HAVE_CUDA.

set(HEARTH_HAVE_CUDA OFF)
if(NOT HEARTH_CUDA STREQUAL "OFF")
  if(NOT CMAKE_CUDA_COMPILER)
    find_program(_hearth_nvcc nvcc HINTS /usr/local/cuda/bin ENV CUDA_PATH PATH_SUFFIXES bin)
    if(_hearth_nvcc)
      set(CMAKE_CUDA_COMPILER "${_hearth_nvcc}")
    endif()
  endif()
  include(CheckLanguage)
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
      # Release set: Turing, Ampere (A100, RTX 30), Ada (RTX 40), Hopper.
      set(CMAKE_CUDA_ARCHITECTURES "75;80;86;89;90")
    endif()
    # CMake 3.25 cannot ask nvcc for C++20; headers the .cu files include stay C++17.
    set(CMAKE_CUDA_STANDARD 17)
    set(CMAKE_CUDA_STANDARD_REQUIRED ON)
    enable_language(CUDA)
    find_package(CUDAToolkit REQUIRED)
    set(HEARTH_HAVE_CUDA ON)
    message(STATUS "Hearth: CUDA backend ON (architectures ${CMAKE_CUDA_ARCHITECTURES})")
  elseif(HEARTH_CUDA STREQUAL "ON")
    message(FATAL_ERROR "HEARTH_CUDA=ON but no CUDA compiler was found. Install the CUDA Toolkit "
                        "or configure with -DHEARTH_CUDA=OFF.")
  else()
    message(STATUS "Hearth: CUDA backend OFF (nvcc not found)")
  endif()
endif()
