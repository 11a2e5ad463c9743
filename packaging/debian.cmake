# The Debian package (`make package` runs CPack with these settings):
# Depends computed by dpkg-shlibdeps from the libraries the binary links;
# the client libraries it opens at run time (libpq, libmariadb) as
# Recommends, computed from the functions the drivers resolve
# (dlopen-depends). See docs/packaging.md.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME aurite)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "Aurite MCP maintainers <maintainers@aurite.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "secure database gateway for the Model Context Protocol")
set(CPACK_PACKAGE_DESCRIPTION
    "Aurite is a Model Context Protocol host, SQL server and storage router
that lets LLM applications (Claude Desktop, VS Code, the MCP Inspector,
agents) query SQLite, PostgreSQL and MariaDB/MySQL databases while the
database credentials stay secret: they are encrypted in a store, and the
model sees only access tokens and masked connection strings. Every decision
goes to an audit log.
.
The package installs the aurite command, a systemd unit for the gateway
(aurite.service, not enabled) and its configuration in /etc/aurite.")
# The staging root is DESTDIR and the prefix stays /usr, so the install script
# sees the prefix the package has (install-system-files.cmake).
set(CPACK_SET_DESTDIR ON)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION database)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${CMAKE_CURRENT_SOURCE_DIR}/conffiles ${CMAKE_CURRENT_SOURCE_DIR}/postinst
    ${CMAKE_CURRENT_SOURCE_DIR}/postrm)
execute_process(COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/dlopen-depends ${PROJECT_SOURCE_DIR}/src/sql
                OUTPUT_VARIABLE AURITE_DLOPEN_DEPENDS OUTPUT_STRIP_TRAILING_WHITESPACE
                RESULT_VARIABLE AURITE_DLOPEN_STATUS)
if(NOT AURITE_DLOPEN_STATUS EQUAL 0)
  message(FATAL_ERROR "packaging/dlopen-depends failed: ${AURITE_DLOPEN_DEPENDS}")
endif()
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "${AURITE_DLOPEN_DEPENDS}")
include(CPack)
