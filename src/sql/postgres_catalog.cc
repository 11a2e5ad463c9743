// PostgreSQL's catalogue: tables, columns, indexes and foreign keys.
#include "sql/postgres_catalog.h"

namespace aurite::sql {
namespace {

std::vector<std::string> StringList(const nlohmann::json& value) {
  std::vector<std::string> out;
  if (value.is_array()) {
    for (const auto& item : value)
      out.push_back(item.is_string() ? item.get<std::string>() : item.dump());
  }
  return out;
}

}  // namespace

StatusOr<std::vector<TableInfo>> ListPostgresTables(const CatalogueQuery& query,
                                                    const std::optional<std::string>& schema) {
  return QueryTables(
      query,
      "SELECT n.nspname, c.relname, CASE WHEN c.relkind IN ('v', 'm') THEN 'view' ELSE "
      "'table' END FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE "
      "c.relkind IN ('r', 'p', 'v', 'm', 'f') AND (($1::text IS NULL AND n.nspname NOT IN "
      "('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%') OR n.nspname = "
      "$1::text) AND has_schema_privilege(n.oid, 'USAGE') ORDER BY 1, 2",
      schema ? Param(*schema) : Param(nullptr));
}

StatusOr<TableDescription> DescribePostgresTable(const CatalogueQuery& query,
                                                 const std::string& table,
                                                 const std::optional<std::string>& schema) {
  // The name is quoted by the server's quote_ident on a bound parameter.
  std::vector<Param> names{table, schema ? Param(*schema) : Param(nullptr)};
  AURITE_ASSIGN_OR_RETURN(
      QueryResult found,
      query("SELECT c.oid::text, n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON "
            "n.oid = c.relnamespace WHERE c.oid = to_regclass(CASE WHEN $2::text IS NULL THEN "
            "quote_ident($1) ELSE quote_ident($2) || '.' || quote_ident($1) END) AND c.relkind "
            "IN ('r', 'p', 'v', 'm', 'f')",
            names));
  if (found.row_count == 0) return NotFoundError("no such table");
  TableDescription out{found.rows[0][1], found.rows[0][2], {}, {}, {}, {}};
  std::vector<Param> oid{found.rows[0][0]};
  AURITE_ASSIGN_OR_RETURN(
      QueryResult columns,
      query("SELECT a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull, "
            "pg_get_expr(d.adbin, d.adrelid) FROM pg_attribute a LEFT JOIN pg_attrdef d ON "
            "d.adrelid = a.attrelid AND d.adnum = a.attnum WHERE a.attrelid = $1::oid AND "
            "a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
            oid));
  for (const auto& row : columns.rows) {
    out.columns.push_back({row[0], row[1], row[2].get<bool>(),
                           row[3].is_null() ? std::nullopt : std::optional<std::string>(row[3])});
  }
  // One row per index, its columns (an expression's text where the column
  // is an expression) a JSON array in index order.
  AURITE_ASSIGN_OR_RETURN(
      QueryResult indexes,
      query("SELECT ic.relname, i.indisunique, i.indisprimary, (SELECT "
            "json_agg(coalesce(a.attname, pg_get_indexdef(i.indexrelid, k.ord::int, true)) "
            "ORDER BY k.ord) FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) "
            "LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum) FROM "
            "pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = $1::oid "
            "ORDER BY ic.relname",
            oid));
  for (const auto& row : indexes.rows) {
    AddIndexColumns(out.indexes, row[0], row[1].get<bool>(), row[2].get<bool>(),
                    StringList(row[3]));
  }
  out.primary_key = PrimaryKeyOf(out.indexes);
  AURITE_ASSIGN_OR_RETURN(
      QueryResult keys,
      query("SELECT con.conname, fn.nspname, fc.relname, (SELECT json_agg(a.attname ORDER BY "
            "k.ord) FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord) JOIN pg_attribute "
            "a ON a.attrelid = con.conrelid AND a.attnum = k.attnum), (SELECT json_agg(a.attname "
            "ORDER BY k.ord) FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord) JOIN "
            "pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum) FROM "
            "pg_constraint con JOIN pg_class fc ON fc.oid = con.confrelid JOIN pg_namespace fn "
            "ON fn.oid = fc.relnamespace WHERE con.conrelid = $1::oid AND con.contype = 'f' "
            "ORDER BY con.conname",
            oid));
  // One row per key, its columns JSON arrays in key order.
  for (const auto& row : keys.rows) {
    out.foreign_keys.push_back({row[0], StringList(row[3]), row[1], row[2], StringList(row[4])});
  }
  return out;
}

}  // namespace aurite::sql
