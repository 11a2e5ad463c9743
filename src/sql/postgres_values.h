// PostgreSQL type mapping and parameter encoding: how the driver turns
// libpq's text cells into result cells (query.h's rules) and JSON
// parameters into the values and formats PQsendQueryParams takes.
#pragma once

#include <libpq-fe.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "sql/libpq_library.h"
#include "sql/query.h"
#include "sql/result_builder.h"

namespace aurite::sql {

// The type names of one session's result columns: the built-in types'
// (pg_type.dat; they never change) from a table, others looked up in
// pg_type when the session first meets them.
class PostgresTypeNames {
 public:
  PostgresTypeNames();

  // The name of `type`; empty while it is not known (see NameColumns).
  std::string NameOf(Oid type) const;

  // Fills in the type of each of `columns` whose type is empty: the name of
  // its OID in `types` (by position), looked up on `conn`, which must be
  // idle and outside a transaction; an unresolved type is named by its OID.
  void NameColumns(PGconn* conn, const std::vector<Oid>& types, std::vector<Column>& columns);

 private:
  std::map<Oid, std::string> names_;
};

// Adds the cell `column` of the single row of `result` (single-row mode),
// read in place from libpq's buffer, encoded by its column's `type`.
void AddPostgresCell(ResultBuilder& builder, const LibPq& pq, const PGresult* result, int column,
                     Oid type);

// Parameters travel as text (the server infers their types), except
// {"base64": ...} values, which travel as binary so bytea gets the raw bytes.
struct PgParams {
  std::vector<std::optional<std::string>> values;
  std::vector<int> formats;
};

// Encodes `params`; fails on invalid base64 in a binary parameter.
StatusOr<PgParams> EncodePostgresParams(const std::vector<Param>& params);

// The parameter arrays libpq takes, pointing into `encoded`, which must
// outlive them.
struct PgParamArrays {
  explicit PgParamArrays(const PgParams& encoded);
  std::vector<const char*> values;
  std::vector<int> lengths;
};

}  // namespace aurite::sql
