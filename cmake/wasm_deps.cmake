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

set(DATT_SECP256K1_SOURCE_DIR "${PROJECT_SOURCE_DIR}/third_party/secp256k1" CACHE PATH
    "libsecp256k1 0.2.0 source tree (scripts/setup.sh fetches it)")
if(NOT EXISTS "${DATT_SECP256K1_SOURCE_DIR}/src/secp256k1.c")
  message(FATAL_ERROR "libsecp256k1 source not found in ${DATT_SECP256K1_SOURCE_DIR}; "
                      "run scripts/setup.sh (npm test and npm start do it for you).")
endif()
add_library(datt_secp256k1 STATIC
  "${DATT_SECP256K1_SOURCE_DIR}/src/secp256k1.c"
  "${DATT_SECP256K1_SOURCE_DIR}/src/precomputed_ecmult.c"
  "${DATT_SECP256K1_SOURCE_DIR}/src/precomputed_ecmult_gen.c")
target_include_directories(datt_secp256k1 PUBLIC "${DATT_SECP256K1_SOURCE_DIR}/include")
target_include_directories(datt_secp256k1 PRIVATE "${DATT_SECP256K1_SOURCE_DIR}")
# 64-bit wide multiplication: 128-bit products are library calls on wasm32 (2.5-3x slower).
# ECMULT_WINDOW_SIZE 8 (verification's table) and ECMULT_GEN_PREC_BITS 2 (signing's, 32 KB
# instead of 64 KB): the module stays within its 600 KB budget with core/bitcoin in it; see
# docs/performance.md for the size/speed trade-offs.
target_compile_definitions(datt_secp256k1 PRIVATE
  ENABLE_MODULE_ECDH=1 ENABLE_MODULE_RECOVERY=1 ENABLE_MODULE_EXTRAKEYS=1
  ENABLE_MODULE_SCHNORRSIG=1 ECMULT_GEN_PREC_BITS=2 ECMULT_WINDOW_SIZE=8
  USE_FORCE_WIDEMUL_INT64=1)
# -msimd128 (wasm SIMD: Chrome >= 91, Firefox >= 89, Safari >= 16.4, Node 18 and 20): clang
# vectorizes parts of the 10x26 field arithmetic; the bare library verified 4-7% faster with
# it and both modules are smaller (docs/performance.md, "wasm verify against native").
target_compile_options(datt_secp256k1 PRIVATE -w -msimd128)
add_library(datt::secp256k1 ALIAS datt_secp256k1)

set(DATT_WASM_INCLUDE "${CMAKE_BINARY_DIR}/wasm-include")
file(MAKE_DIRECTORY "${DATT_WASM_INCLUDE}")
if(NOT EXISTS "${DATT_WASM_INCLUDE}/nlohmann")
  file(CREATE_LINK /usr/include/nlohmann "${DATT_WASM_INCLUDE}/nlohmann" SYMBOLIC)
endif()
add_library(datt_json INTERFACE)
target_include_directories(datt_json SYSTEM INTERFACE "${DATT_WASM_INCLUDE}")
add_library(datt::json ALIAS datt_json)
