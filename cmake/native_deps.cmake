# Native dependencies come from Debian packages (scripts/setup.sh installs them).
find_package(PkgConfig REQUIRED)
pkg_check_modules(SECP256K1 REQUIRED IMPORTED_TARGET libsecp256k1>=0.2.0)
add_library(datt_secp256k1 INTERFACE)
target_link_libraries(datt_secp256k1 INTERFACE PkgConfig::SECP256K1)
add_library(datt::secp256k1 ALIAS datt_secp256k1)

find_package(nlohmann_json 3.11 REQUIRED)
add_library(datt_json INTERFACE)
target_link_libraries(datt_json INTERFACE nlohmann_json::nlohmann_json)
add_library(datt::json ALIAS datt_json)
