# Installs the files that name other installed paths: the service's
# configuration and aurite.service. Run at install time (install(SCRIPT)),
# so the paths follow the prefix of that install, `cmake --install --prefix`
# or CPack's /usr, with GNUInstallDirs' rule that /usr keeps its
# configuration in /etc. AURITE_PACKAGING_DIR and AURITE_PACKAGING_BINARY_DIR
# are set by packaging/CMakeLists.txt.
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(AURITE_SYSCONFDIR "/etc")
else()
  set(AURITE_SYSCONFDIR "${CMAKE_INSTALL_PREFIX}/etc")
endif()
set(AURITE_BINDIR "${CMAKE_INSTALL_PREFIX}/bin")
set(staged "${AURITE_PACKAGING_BINARY_DIR}/installed")
configure_file("${AURITE_PACKAGING_DIR}/aurite.json.in" "${staged}/aurite.json" @ONLY)
configure_file("${AURITE_PACKAGING_DIR}/systemd/aurite.service.in" "${staged}/aurite.service" @ONLY)
file(INSTALL "${staged}/aurite.json" DESTINATION "${AURITE_SYSCONFDIR}/aurite"
     PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
file(INSTALL "${staged}/aurite.service" DESTINATION "${CMAKE_INSTALL_PREFIX}/lib/systemd/system"
     PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
