# UrlsessionInstall.cmake — what `cmake --install` puts where, and how consumers find it.
#
#   <libdir>/liburlsession.so.0.1.0 (+ .so.0, .so)   the shared library
#   <libdir>/liburlsession.a                         the static library
#   <includedir>/urlsession/*.h                      the public headers, nothing else
#   <libdir>/pkgconfig/urlsession.pc                 pkg-config
#   <libdir>/cmake/urlsession/                       find_package(urlsession):
#                                                    urlsession::urlsession,
#                                                    urlsession::urlsession_static
#
# Dependencies are read from the targets, so a new `pkg_check_modules(X ... IMPORTED_TARGET)`
# linked into the library reaches urlsession.pc and the CMake package without edits here.
# Only URL_PC_PUBLIC_MODULES is kept by hand: the pkg-config modules whose headers the
# installed headers include (urlsession/glib.h includes <glib.h>). They go to `Requires:`;
# every other module is needed only to link, and goes to `Requires.private:`.

include(CMakePackageConfigHelpers)

set(URL_PC_PUBLIC_MODULES glib-2.0)
set(URL_CMAKE_PACKAGE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/urlsession)

# ---- Targets and headers ---------------------------------------------------------------

install(TARGETS urlsession urlsession_static
        EXPORT urlsessionTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT runtime
                NAMELINK_COMPONENT development
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT development
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime)

# Only the public headers: include/urlsession/*.h. Private headers live under lib/.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/urlsession
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        COMPONENT development
        FILES_MATCHING PATTERN "*.h")

# ---- Which pkg-config modules the library uses ------------------------------------------

# The PkgConfig::X imported targets in a target's link interface, skipping the ones that
# only apply inside the build tree ($<BUILD_INTERFACE:...>).
function(url__pkgconfig_targets_of target out)
  get_target_property(libs ${target} INTERFACE_LINK_LIBRARIES)
  set(found "")
  foreach(lib IN LISTS libs)
    if(lib MATCHES "^\\$<BUILD_INTERFACE:")
      continue()
    endif()
    string(REGEX MATCHALL "PkgConfig::[A-Za-z0-9_]+" names "${lib}")
    list(APPEND found ${names})
  endforeach()
  list(REMOVE_DUPLICATES found)
  set(${out} "${found}" PARENT_SCOPE)
endfunction()

# The module specs ("libcurl>=7.88", "gthread-2.0") that pkg_check_modules(X ...) was
# called with; FindPkgConfig keeps them in __pkg_config_arguments_X.
function(url__pkgconfig_modules_of imported_target out)
  string(REPLACE "PkgConfig::" "" prefix "${imported_target}")
  set(args "${__pkg_config_arguments_${prefix}}")
  if(NOT args)
    message(FATAL_ERROR "${imported_target} is linked into liburlsession but was not made by "
                        "pkg_check_modules(${prefix} ... IMPORTED_TARGET) in this project")
  endif()
  list(REMOVE_ITEM args REQUIRED QUIET NO_CMAKE_PATH NO_CMAKE_ENVIRONMENT_PATH IMPORTED_TARGET
       GLOBAL)
  set(${out} "${args}" PARENT_SCOPE)
endfunction()

# "libcurl>=7.88" -> "libcurl >= 7.88", the spelling pkg-config documents.
function(url__pc_spec spec out)
  string(REGEX REPLACE "^([^<>=!]+)(<=|>=|=|<|>|!=)(.+)$" "\\1 \\2 \\3" spec "${spec}")
  set(${out} "${spec}" PARENT_SCOPE)
endfunction()

url__pkgconfig_targets_of(urlsession url_shared_deps)
url__pkgconfig_targets_of(urlsession_static url_static_deps)
set(url_all_deps ${url_shared_deps} ${url_static_deps})
list(REMOVE_DUPLICATES url_all_deps)

set(URL_PC_REQUIRES "")
set(URL_PC_REQUIRES_PRIVATE "")
set(URL_CONFIG_DEPENDENCIES "")
foreach(dep IN LISTS url_all_deps)
  url__pkgconfig_modules_of(${dep} modules)
  string(REPLACE "PkgConfig::" "" prefix "${dep}")
  string(REPLACE ";" " " modules_args "${modules}")
  # The CMake package re-creates PkgConfig::X for the exported targets, under a prefix of
  # its own so the consumer's variables are left alone.
  string(APPEND URL_CONFIG_DEPENDENCIES "url__find_pkgconfig_dependency(${prefix} ${modules_args})\n")
  foreach(spec IN LISTS modules)
    string(REGEX REPLACE "[<>=!].*$" "" name "${spec}")
    url__pc_spec("${spec}" pc_spec)
    if(name IN_LIST URL_PC_PUBLIC_MODULES)
      list(APPEND URL_PC_REQUIRES "${pc_spec}")
    else()
      list(APPEND URL_PC_REQUIRES_PRIVATE "${pc_spec}")
    endif()
  endforeach()
endforeach()
list(REMOVE_DUPLICATES URL_PC_REQUIRES)
list(REMOVE_DUPLICATES URL_PC_REQUIRES_PRIVATE)
string(REPLACE ";" ", " URL_PC_REQUIRES "${URL_PC_REQUIRES}")
string(REPLACE ";" ", " URL_PC_REQUIRES_PRIVATE "${URL_PC_REQUIRES_PRIVATE}")

# ---- pkg-config ------------------------------------------------------------------------

# The prefix is only known at install time (`cmake --install build --prefix P`), so the
# .pc file is written then, by a script that carries what is known now.
configure_file(${PROJECT_SOURCE_DIR}/cmake/write-pc.cmake.in
               ${PROJECT_BINARY_DIR}/write-pc.cmake @ONLY)
install(SCRIPT ${PROJECT_BINARY_DIR}/write-pc.cmake COMPONENT development)

# ---- CMake package ---------------------------------------------------------------------

install(EXPORT urlsessionTargets
        NAMESPACE urlsession::
        DESTINATION ${URL_CMAKE_PACKAGE_DIR}
        COMPONENT development)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/urlsessionConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/urlsessionConfig.cmake
                              INSTALL_DESTINATION ${URL_CMAKE_PACKAGE_DIR}
                              NO_SET_AND_CHECK_MACRO NO_CHECK_REQUIRED_COMPONENTS_MACRO)
# 0.x: a new minor version may break the API.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/urlsessionConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/urlsessionConfig.cmake
              ${PROJECT_BINARY_DIR}/urlsessionConfigVersion.cmake
        DESTINATION ${URL_CMAKE_PACKAGE_DIR}
        COMPONENT development)
