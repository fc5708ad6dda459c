# `cmake --install`: the public headers, libconvoy (static and shared), the CMake package
# (lib/cmake/convoy) and a pkg-config file (lib/pkgconfig/convoy.pc). Both package files are
# relocatable: they find the prefix from where they lie, so an installed tree may be moved.
include(CMakePackageConfigHelpers)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/convoy DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS convoy_static convoy_shared EXPORT convoyTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

set(_convoy_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/convoy)
install(EXPORT convoyTargets NAMESPACE convoy:: DESTINATION ${_convoy_cmake_dir})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/convoyConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/convoyConfig.cmake
                              INSTALL_DESTINATION ${_convoy_cmake_dir})
# 0.x: a minor version may break the API, so only the same minor is compatible.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/convoyConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/convoyConfig.cmake
              ${PROJECT_BINARY_DIR}/convoyConfigVersion.cmake
        DESTINATION ${_convoy_cmake_dir})

# From <libdir>/pkgconfig back up to the prefix: one ".." per component.
set(CONVOY_PC_TO_PREFIX "..")
string(REPLACE "/" ";" _libdir_parts "${CMAKE_INSTALL_LIBDIR}")
foreach(_part ${_libdir_parts})
  string(APPEND CONVOY_PC_TO_PREFIX "/..")
endforeach()
configure_file(${PROJECT_SOURCE_DIR}/cmake/convoy.pc.in ${PROJECT_BINARY_DIR}/convoy.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/convoy.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
