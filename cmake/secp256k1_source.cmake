# libsecp256k1 0.2.0 compiled from its source tree (Debian's source package, which
# scripts/setup.sh unpacks into third_party/secp256k1) as the static datt::secp256k1, with
# the four modules Datt uses. The caller adds the build's own definitions and options.
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
target_compile_definitions(datt_secp256k1 PRIVATE
  ENABLE_MODULE_ECDH=1 ENABLE_MODULE_RECOVERY=1 ENABLE_MODULE_EXTRAKEYS=1
  ENABLE_MODULE_SCHNORRSIG=1)
add_library(datt::secp256k1 ALIAS datt_secp256k1)
