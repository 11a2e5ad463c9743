// libmariadb, loaded on first use: the typed table of the libmariadb functions
// the MariaDB/MySQL driver calls, and owners of libmariadb's objects.
// AURITE_LIBMARIADB_FUNCTIONS is the one list of the functions; a function
// the driver starts to use is added there.
#pragma once

#include <mysql.h>

#include <memory>

#include "base/status.h"
#include "sql/dynamic_library.h"

namespace aurite::sql {

// clang-format off
#define AURITE_LIBMARIADB_FUNCTIONS(X) \
  X(mariadb_field_attr) \
  X(mariadb_get_infov) \
  X(mysql_close) \
  X(mysql_errno) \
  X(mysql_error) \
  X(mysql_fetch_fields) \
  X(mysql_free_result) \
  X(mysql_get_server_info) \
  X(mysql_get_ssl_cipher) \
  X(mysql_init) \
  X(mysql_num_fields) \
  X(mysql_optionsv) \
  X(mysql_real_connect) \
  X(mysql_real_query) \
  X(mysql_reset_connection) \
  X(mysql_server_init) \
  X(mysql_ssl_set) \
  X(mysql_stmt_affected_rows) \
  X(mysql_stmt_bind_param) \
  X(mysql_stmt_bind_result) \
  X(mysql_stmt_close) \
  X(mysql_stmt_errno) \
  X(mysql_stmt_error) \
  X(mysql_stmt_execute) \
  X(mysql_stmt_fetch) \
  X(mysql_stmt_fetch_column) \
  X(mysql_stmt_field_count) \
  X(mysql_stmt_free_result) \
  X(mysql_stmt_init) \
  X(mysql_stmt_more_results) \
  X(mysql_stmt_next_result) \
  X(mysql_stmt_param_count) \
  X(mysql_stmt_prepare) \
  X(mysql_stmt_result_metadata) \
  X(mysql_store_result) \
  X(mysql_thread_id)
// clang-format on

// The soname and Debian package of the libmariadb the driver was built against.
inline constexpr const char* kLibMariaDbSoname = "libmariadb.so.3";
inline constexpr const char* kLibMariaDbPackage = "libmariadb3";

// The libmariadb functions the driver calls, typed.
// LoadFunctionTable<LibMariaDb>() loads libmariadb;
// ProcessFunctionTable<LibMariaDb>() is the process's, loaded once
// (dynamic_library.h).
struct LibMariaDb {
  static constexpr const char* kSoname = kLibMariaDbSoname;
  static constexpr const char* kPackage = kLibMariaDbPackage;
  AURITE_FUNCTION_TABLE(AURITE_LIBMARIADB_FUNCTIONS)
};

// libmariadb's functions, for code that runs on a connection, opened only
// after ProcessFunctionTable<LibMariaDb>() succeeded.
inline const LibMariaDb& My() { return LoadedFunctionTable<LibMariaDb>(); }

// Owners of the objects libmariadb hands out.
using MysqlHandle = std::unique_ptr<MYSQL, FunctionTableDeleter<&LibMariaDb::mysql_close>>;
using MysqlStmtHandle =
    std::unique_ptr<MYSQL_STMT, FunctionTableDeleter<&LibMariaDb::mysql_stmt_close>>;
using MysqlResHandle =
    std::unique_ptr<MYSQL_RES, FunctionTableDeleter<&LibMariaDb::mysql_free_result>>;

}  // namespace aurite::sql
