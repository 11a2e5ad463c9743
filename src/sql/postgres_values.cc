// PostgreSQL cells from libpq's text, and parameters for PQsendQueryParams.
#include "sql/postgres_values.h"

#include <charconv>
#include <cstdlib>
#include <string_view>

#include "base/text.h"
#include "sql/value_encoding.h"

namespace aurite::sql {
namespace {

// Built-in type OIDs (pg_type.dat); they never change.
enum : Oid {
  kBool = 16,
  kBytea = 17,
  kInt8 = 20,
  kInt2 = 21,
  kInt4 = 23,
  kOid = 26,
  kJson = 114,
  kFloat4 = 700,
  kFloat8 = 701,
  kJsonb = 3802,
};

// Adds a bytea cell. Text output of bytea is "\x" followed by hex digits
// (bytea_output = hex); anything else is kept as text.
void AddBytea(ResultBuilder& builder, std::string_view text) {
  if (text.substr(0, 2) != "\\x") return builder.AddText(text);
  std::string bytes;
  bytes.reserve((text.size() - 2) / 2);
  for (std::size_t i = 2; i + 1 < text.size(); i += 2) {
    bytes.push_back(static_cast<char>(HexDigitValue(text[i]) * 16 + HexDigitValue(text[i + 1])));
  }
  builder.AddBinary(bytes);
}

// PostgreSQL's float text ("1.5", "-Infinity", "NaN"), without strtod's
// locale lookups and copy.
double ParseDouble(std::string_view text) {
  double value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

const std::map<Oid, std::string>& BuiltinTypeNames() {
  static const std::map<Oid, std::string> names = {
      {16, "bool"},        {17, "bytea"},         {18, "char"},       {19, "name"},
      {20, "int8"},        {21, "int2"},          {23, "int4"},       {25, "text"},
      {26, "oid"},         {114, "json"},         {700, "float4"},    {701, "float8"},
      {1042, "bpchar"},    {1043, "varchar"},     {1082, "date"},     {1083, "time"},
      {1114, "timestamp"}, {1184, "timestamptz"}, {1186, "interval"}, {1266, "timetz"},
      {1700, "numeric"},   {2950, "uuid"},        {3802, "jsonb"}};
  return names;
}

}  // namespace

PostgresTypeNames::PostgresTypeNames() : names_(BuiltinTypeNames()) {}

std::string PostgresTypeNames::NameOf(Oid type) const {
  auto name = names_.find(type);
  return name != names_.end() ? name->second : std::string();
}

void PostgresTypeNames::NameColumns(PGconn* conn, const std::vector<Oid>& types,
                                    std::vector<Column>& columns) {
  std::string unknown;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (!columns[i].type.empty()) continue;
    unknown += (unknown.empty() ? "{" : ",") + std::to_string(types[i]);
  }
  if (unknown.empty()) return;
  unknown += "}";
  const char* values[] = {unknown.c_str()};
  const LibPq& pq = Pq();
  PgResultHandle result(
      pq.PQexecParams(conn, "SELECT oid::int8, typname FROM pg_type WHERE oid = ANY($1::oid[])", 1,
                      nullptr, values, nullptr, nullptr, 0));
  if (pq.PQresultStatus(result.get()) == PGRES_TUPLES_OK) {
    for (int row = 0; row < pq.PQntuples(result.get()); ++row) {
      names_[static_cast<Oid>(std::atoll(pq.PQgetvalue(result.get(), row, 0)))] =
          pq.PQgetvalue(result.get(), row, 1);
    }
  }
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (!columns[i].type.empty()) continue;
    auto name = names_.find(types[i]);
    columns[i].type = name != names_.end() ? name->second : std::to_string(types[i]);
  }
}

void AddPostgresCell(ResultBuilder& builder, const LibPq& pq, const PGresult* result, int column,
                     Oid type) {
  if (pq.PQgetisnull(result, 0, column)) return builder.AddNull();
  std::string_view text(pq.PQgetvalue(result, 0, column),
                        static_cast<std::size_t>(pq.PQgetlength(result, 0, column)));
  switch (type) {
    case kBool:
      return builder.AddBool(text == "t");
    case kInt2:
    case kInt4:
    case kInt8:
    case kOid:
      return builder.AddIntegerText(text);
    case kFloat4:
      // Shortest for a float, not for the double it becomes: converted.
      return builder.AddDouble(ParseDouble(text));
    case kFloat8:
      return builder.AddDoubleText(text);
    case kJson:
    case kJsonb:
      return builder.AddJsonText(text);
    case kBytea:
      return AddBytea(builder, text);
    default:
      // Also NUMERIC: its decimal text is kept exact, as a string.
      return builder.AddText(text);
  }
}

StatusOr<PgParams> EncodePostgresParams(const std::vector<Param>& params) {
  PgParams out;
  for (const Param& param : params) {
    out.formats.push_back(0);
    if (param.is_null()) {
      out.values.emplace_back();
    } else if (param.is_boolean()) {
      out.values.emplace_back(param.get<bool>() ? "true" : "false");
    } else if (param.is_string()) {
      out.values.emplace_back(param.get<std::string>());
    } else if (IsBinaryParam(param)) {
      AURITE_ASSIGN_OR_RETURN(std::string bytes, DecodeBinaryParam(param));
      out.values.emplace_back(std::move(bytes));
      out.formats.back() = 1;
    } else {
      out.values.emplace_back(param.dump());
    }
  }
  return out;
}

PgParamArrays::PgParamArrays(const PgParams& encoded) {
  for (const auto& value : encoded.values) {
    values.push_back(value ? value->data() : nullptr);
    lengths.push_back(value ? static_cast<int>(value->size()) : 0);
  }
}

}  // namespace aurite::sql
