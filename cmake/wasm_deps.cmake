# wasm32 dependencies: libsecp256k1 compiled from Debian's source package (the same
# 0.2.0 as the native library) and the nlohmann headers exposed alone, because adding
# /usr/include to an emscripten build pulls in glibc headers.

# The toolchain must be the Emscripten version recorded in emsdk-version.
file(READ "${PROJECT_SOURCE_DIR}/emsdk-version" DATT_EMSDK_EXPECTED)
string(STRIP "${DATT_EMSDK_EXPECTED}" DATT_EMSDK_EXPECTED)
execute_process(COMMAND "${CMAKE_C_COMPILER}" --version OUTPUT_VARIABLE DATT_EMCC_VERSION_TEXT)
string(REGEX MATCH "[0-9]+\\.[0-9]+\\.[0-9]+" DATT_EMCC_VERSION "${DATT_EMCC_VERSION_TEXT}")
if(NOT DATT_EMCC_VERSION STREQUAL DATT_EMSDK_EXPECTED)
  message(FATAL_ERROR
    "emcc is version '${DATT_EMCC_VERSION}' but emsdk-version asks for ${DATT_EMSDK_EXPECTED}.\n"
    "On Debian 12 run: sudo apt-get install emscripten (it provides ${DATT_EMSDK_EXPECTED}), "
    "or put an emsdk ${DATT_EMSDK_EXPECTED} first on PATH (emsdk install ${DATT_EMSDK_EXPECTED} && "
    "emsdk activate ${DATT_EMSDK_EXPECTED}).")
endif()

include("${CMAKE_CURRENT_LIST_DIR}/secp256k1_source.cmake")
# 64-bit wide multiplication: 128-bit products are library calls on wasm32 (2.5-3x slower).
# ECMULT_WINDOW_SIZE 8 (verification's table) and ECMULT_GEN_PREC_BITS 2 (signing's, 32 KB
# instead of 64 KB): the module stays within its 600 KB budget with core/bitcoin in it; see
# docs/performance.md for the size/speed trade-offs.
target_compile_definitions(datt_secp256k1 PRIVATE
  ECMULT_GEN_PREC_BITS=2 ECMULT_WINDOW_SIZE=8 USE_FORCE_WIDEMUL_INT64=1)
# -msimd128 (wasm SIMD: Chrome >= 91, Firefox >= 89, Safari >= 16.4, Node 18 and 20): clang
# vectorizes parts of the 10x26 field arithmetic; the bare library verified 4-7% faster with
# it and both modules are smaller (docs/performance.md, "wasm verify against native").
target_compile_options(datt_secp256k1 PRIVATE -w -msimd128)

set(DATT_WASM_INCLUDE "${CMAKE_BINARY_DIR}/wasm-include")
file(MAKE_DIRECTORY "${DATT_WASM_INCLUDE}")
if(NOT EXISTS "${DATT_WASM_INCLUDE}/nlohmann")
  file(CREATE_LINK /usr/include/nlohmann "${DATT_WASM_INCLUDE}/nlohmann" SYMBOLIC)
endif()
add_library(datt_json INTERFACE)
target_include_directories(datt_json SYSTEM INTERFACE "${DATT_WASM_INCLUDE}")
add_library(datt::json ALIAS datt_json)
