# datt_module_headers(<target> <folder> [FILES <header>...]): <target> exports its own
# headers and no others.
#
# Sources include headers by module, "<folder>/x.h", and the folders of one tree (core/,
# relay/) sit side by side. Exporting that tree's root would let a module include any other
# module's headers whether or not it may depend on it (an inline function or a type needs no
# link, so only the linker's check would be left, and only for symbols). Instead each module
# exports a folder of its own in the build tree, include/<target>/, holding one symbolic link
# <folder> -> its source folder: "<folder>/x.h" then resolves only in targets that link
# <target> (itself, or through a PUBLIC link, which is how the allowed arrows chain). With
# FILES, <folder> is a real folder holding links to those headers only (an interface part of
# a module, such as the network layer's, exported apart from its implementation).
function(datt_module_headers target folder)
  cmake_parse_arguments(ARG "" "" "FILES" ${ARGN})
  set(root "${CMAKE_BINARY_DIR}/include/${target}")
  if(ARG_FILES)
    file(MAKE_DIRECTORY "${root}/${folder}")
    foreach(header IN LISTS ARG_FILES)
      if(NOT EXISTS "${root}/${folder}/${header}")
        file(CREATE_LINK "${CMAKE_CURRENT_SOURCE_DIR}/${header}" "${root}/${folder}/${header}" SYMBOLIC)
      endif()
    endforeach()
  else()
    file(MAKE_DIRECTORY "${root}")
    if(NOT EXISTS "${root}/${folder}")
      file(CREATE_LINK "${CMAKE_CURRENT_SOURCE_DIR}" "${root}/${folder}" SYMBOLIC)
    endif()
  endif()
  get_target_property(type ${target} TYPE)
  if(type STREQUAL "INTERFACE_LIBRARY")
    target_include_directories(${target} INTERFACE "${root}")
  else()
    target_include_directories(${target} PUBLIC "${root}")
  endif()
endfunction()
