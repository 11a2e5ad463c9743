# The "aurite_databases" CTest fixture: real PostgreSQL and MariaDB servers,
# started once per ctest run by tests/harness/databases and stopped after the
# last test that needs them.
#
# Usage, in any tests/ CMakeLists.txt:
#   include(${PROJECT_SOURCE_DIR}/tests/harness/databases.cmake)
#   gtest_discover_tests(my_test PROPERTIES ${AURITE_DATABASES_TEST_PROPERTIES})
# Tests then read the connection details from the JSON file named by the
# AURITE_TEST_DATABASES environment variable (format: docs/sql.md).
set(AURITE_DATABASES_DIR ${CMAKE_BINARY_DIR}/test-databases)
set(AURITE_DATABASES_TEST_PROPERTIES
    FIXTURES_REQUIRED aurite_databases
    ENVIRONMENT AURITE_TEST_DATABASES=${AURITE_DATABASES_DIR}/databases.json)

get_property(aurite_databases_registered GLOBAL PROPERTY AURITE_DATABASES_REGISTERED)
if(NOT aurite_databases_registered)
  set_property(GLOBAL PROPERTY AURITE_DATABASES_REGISTERED ON)
  add_test(NAME aurite_databases_start
           COMMAND ${CMAKE_CURRENT_LIST_DIR}/databases start ${AURITE_DATABASES_DIR})
  set_tests_properties(aurite_databases_start PROPERTIES FIXTURES_SETUP aurite_databases TIMEOUT 180)
  add_test(NAME aurite_databases_stop
           COMMAND ${CMAKE_CURRENT_LIST_DIR}/databases stop ${AURITE_DATABASES_DIR})
  set_tests_properties(aurite_databases_stop PROPERTIES FIXTURES_CLEANUP aurite_databases TIMEOUT 120)
endif()
