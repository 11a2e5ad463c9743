// MariaDB/MySQL column types, parameter binds and cells from row buffers.
#include "sql/mariadb_values.h"

#include <cstdint>
#include <cstring>
#include <string_view>

#include "sql/value_encoding.h"

namespace aurite::sql {
namespace {

constexpr unsigned kBinaryCharset = 63;
constexpr unsigned long kInitialCellBuffer = 256;

std::string_view TypeName(const MYSQL_FIELD& field) {
  switch (field.type) {
    case MYSQL_TYPE_TINY:
      return "tinyint";
    case MYSQL_TYPE_SHORT:
      return "smallint";
    case MYSQL_TYPE_INT24:
      return "mediumint";
    case MYSQL_TYPE_LONG:
      return "int";
    case MYSQL_TYPE_LONGLONG:
      return "bigint";
    case MYSQL_TYPE_FLOAT:
      return "float";
    case MYSQL_TYPE_DOUBLE:
      return "double";
    case MYSQL_TYPE_DECIMAL:
    case MYSQL_TYPE_NEWDECIMAL:
      return "decimal";
    case MYSQL_TYPE_DATE:
      return "date";
    case MYSQL_TYPE_TIME:
      return "time";
    case MYSQL_TYPE_DATETIME:
      return "datetime";
    case MYSQL_TYPE_TIMESTAMP:
      return "timestamp";
    case MYSQL_TYPE_YEAR:
      return "year";
    case MYSQL_TYPE_BIT:
      return "bit";
    case MYSQL_TYPE_JSON:
      return "json";
    case MYSQL_TYPE_ENUM:
      return "enum";
    case MYSQL_TYPE_SET:
      return "set";
    case MYSQL_TYPE_GEOMETRY:
      return "geometry";
    case MYSQL_TYPE_NULL:
      return "null";
    case MYSQL_TYPE_TINY_BLOB:
    case MYSQL_TYPE_MEDIUM_BLOB:
    case MYSQL_TYPE_LONG_BLOB:
    case MYSQL_TYPE_BLOB:
      return field.charsetnr == kBinaryCharset ? "blob" : "text";
    case MYSQL_TYPE_STRING:
      return field.charsetnr == kBinaryCharset ? "binary" : "char";
    default:
      return field.charsetnr == kBinaryCharset ? "varbinary" : "varchar";
  }
}

bool IsInteger(enum_field_types type) {
  return type == MYSQL_TYPE_TINY || type == MYSQL_TYPE_SHORT || type == MYSQL_TYPE_INT24 ||
         type == MYSQL_TYPE_LONG || type == MYSQL_TYPE_LONGLONG || type == MYSQL_TYPE_YEAR;
}

bool IsJson(MYSQL_FIELD& field) {
  if (field.type == MYSQL_TYPE_JSON) return true;
  MARIADB_CONST_STRING format{nullptr, 0};
  if (My().mariadb_field_attr(&format, &field, MARIADB_FIELD_ATTR_FORMAT_NAME) != 0) return false;
  return std::string_view(format.str ? format.str : "", format.length) == "json";
}

MariaDbCellKind KindOf(MYSQL_FIELD& field) {
  if (IsInteger(field.type))
    return field.flags & UNSIGNED_FLAG ? MariaDbCellKind::kUnsigned : MariaDbCellKind::kSigned;
  if (field.type == MYSQL_TYPE_FLOAT || field.type == MYSQL_TYPE_DOUBLE)
    return MariaDbCellKind::kDouble;
  if (field.type == MYSQL_TYPE_DECIMAL || field.type == MYSQL_TYPE_NEWDECIMAL)
    return MariaDbCellKind::kDecimal;
  if (IsJson(field)) return MariaDbCellKind::kJson;
  if (field.charsetnr == kBinaryCharset && field.type != MYSQL_TYPE_DATE &&
      field.type != MYSQL_TYPE_TIME && field.type != MYSQL_TYPE_DATETIME &&
      field.type != MYSQL_TYPE_TIMESTAMP) {
    return MariaDbCellKind::kBinary;
  }
  return MariaDbCellKind::kText;
}

}  // namespace

std::string MariaDbColumnType(MYSQL_FIELD& field) {
  return std::string(IsJson(field) ? "json" : TypeName(field));
}

void PrepareMariaDbRowBuffers(MYSQL_FIELD* fields, unsigned count, MariaDbRowBuffers& row) {
  row.binds.assign(count, MYSQL_BIND{});
  row.data.assign(count, {});
  row.lengths.assign(count, 0);
  row.nulls.assign(count, 0);
  row.errors.assign(count, 0);
  for (unsigned i = 0; i < count; ++i) {
    MariaDbCellKind kind = KindOf(fields[i]);
    row.kinds.push_back(kind);
    MYSQL_BIND& bind = row.binds[i];
    if (kind == MariaDbCellKind::kSigned || kind == MariaDbCellKind::kUnsigned) {
      bind.buffer_type = MYSQL_TYPE_LONGLONG;
      bind.is_unsigned = kind == MariaDbCellKind::kUnsigned;
      row.data[i].resize(sizeof(long long));
    } else if (kind == MariaDbCellKind::kDouble) {
      bind.buffer_type = MYSQL_TYPE_DOUBLE;
      row.data[i].resize(sizeof(double));
    } else {
      bind.buffer_type = MYSQL_TYPE_STRING;
      row.data[i].resize(kInitialCellBuffer);
    }
    bind.buffer = row.data[i].data();
    bind.buffer_length = row.data[i].size();
    bind.length = &row.lengths[i];
    bind.is_null = &row.nulls[i];
    bind.error = &row.errors[i];
  }
}

nlohmann::json ReadMariaDbCell(MYSQL_STMT* stmt, MariaDbRowBuffers& row, unsigned column) {
  if (row.nulls[column]) return nullptr;
  std::vector<char>& data = row.data[column];
  switch (row.kinds[column]) {
    case MariaDbCellKind::kSigned: {
      long long value = 0;
      std::memcpy(&value, data.data(), sizeof value);
      return EncodeInteger(value);
    }
    case MariaDbCellKind::kUnsigned: {
      unsigned long long value = 0;
      std::memcpy(&value, data.data(), sizeof value);
      return EncodeUnsigned(value);
    }
    case MariaDbCellKind::kDouble: {
      double value = 0;
      std::memcpy(&value, data.data(), sizeof value);
      return EncodeDouble(value);
    }
    default:
      break;
  }
  unsigned long length = row.lengths[column];
  if (length > data.size()) {
    // The value did not fit the buffer: fetch it again into one that does.
    std::vector<char> full(length);
    MYSQL_BIND bind{};
    bind.buffer_type = MYSQL_TYPE_STRING;
    bind.buffer = full.data();
    bind.buffer_length = length;
    bind.length = &row.lengths[column];
    My().mysql_stmt_fetch_column(stmt, &bind, column, 0);
    data.swap(full);
    row.binds[column].buffer = data.data();
    row.binds[column].buffer_length = data.size();
    // Rebinding now would disturb the columns of this row not read yet.
    row.rebind = true;
  }
  std::string_view text(data.data(), length);
  switch (row.kinds[column]) {
    case MariaDbCellKind::kDecimal:
      return std::string(text);
    case MariaDbCellKind::kJson:
      return EncodeJsonText(text);
    case MariaDbCellKind::kBinary:
      return EncodeBinary(text);
    default:
      return EncodeText(text);
  }
}

Status BindMariaDbParams(const std::vector<Param>& params, MariaDbParamBuffers& out) {
  out.binds.assign(params.size(), MYSQL_BIND{});
  out.texts.resize(params.size());
  out.integers.resize(params.size());
  out.doubles.resize(params.size());
  for (std::size_t i = 0; i < params.size(); ++i) {
    const Param& p = params[i];
    MYSQL_BIND& bind = out.binds[i];
    if (p.is_null()) {
      bind.buffer_type = MYSQL_TYPE_NULL;
    } else if (p.is_boolean() || p.is_number_integer()) {
      out.integers[i] = p.is_boolean()           ? (p.get<bool>() ? 1 : 0)
                        : p.is_number_unsigned() ? static_cast<long long>(p.get<std::uint64_t>())
                                                 : p.get<long long>();
      bind.buffer_type = MYSQL_TYPE_LONGLONG;
      bind.buffer = &out.integers[i];
      bind.is_unsigned = p.is_number_unsigned();
    } else if (p.is_number()) {
      out.doubles[i] = p.get<double>();
      bind.buffer_type = MYSQL_TYPE_DOUBLE;
      bind.buffer = &out.doubles[i];
    } else {
      bool binary = IsBinaryParam(p);
      if (binary) {
        AURITE_ASSIGN_OR_RETURN(out.texts[i], DecodeBinaryParam(p));
      } else {
        out.texts[i] = p.is_string() ? p.get<std::string>() : p.dump();
      }
      bind.buffer_type = binary ? MYSQL_TYPE_BLOB : MYSQL_TYPE_STRING;
      bind.buffer = out.texts[i].data();
      bind.buffer_length = out.texts[i].size();
    }
  }
  return OkStatus();
}

}  // namespace aurite::sql
