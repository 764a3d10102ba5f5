# Native dependencies come from Debian packages (scripts/setup.sh installs them), except
# libsecp256k1: the same 0.2.0 source the wasm build compiles, built here with its C field
# arithmetic on 128-bit integers. Debian's shared library uses the x86_64 assembly field,
# which verified 1.12-1.2x slower on this project's CI machine type (docs/performance.md,
# "Ninth pass"). Window 15 and gen precision 4 are the library's (and Debian's) defaults;
# no -march: the binary runs on whatever x86-64 or other 64-bit CPU builds it.
include("${CMAKE_CURRENT_LIST_DIR}/secp256k1_source.cmake")
target_compile_definitions(datt_secp256k1 PRIVATE ECMULT_WINDOW_SIZE=15 ECMULT_GEN_PREC_BITS=4)
target_compile_options(datt_secp256k1 PRIVATE -w)

find_package(nlohmann_json 3.11 REQUIRED)
add_library(datt_json INTERFACE)
target_link_libraries(datt_json INTERFACE nlohmann_json::nlohmann_json)
add_library(datt::json ALIAS datt_json)
