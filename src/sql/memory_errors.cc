// Error texts for results that do not fit in the limits or in memory.
#include "sql/memory_errors.h"

#include <fmt/format.h>

namespace aurite::sql {
namespace {

// Library texts end with a newline and may hold several lines.
std::string OneLine(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') {
      out += "; ";
    } else {
      out += c;
    }
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == ';')) out.pop_back();
  return out;
}

}  // namespace

Status ValueTooLargeError(std::string_view engine, std::size_t limit, std::string_view detail) {
  return ResourceExhaustedError(fmt::format(
      "{}: a value or row is larger than the {} bytes this connection accepts ({}); select a "
      "part of it (e.g. substr() or left()) or fewer columns",
      engine, limit, OneLine(detail)));
}

Status OutOfMemoryError(std::string_view engine, std::string_view detail) {
  return ResourceExhaustedError(fmt::format(
      "{}: out of memory for the result ({}): a value or row needs more memory than this "
      "process may use; select a part of it (e.g. substr() or left()) or fewer rows",
      engine, OneLine(detail)));
}

bool SaysOutOfMemory(std::string_view text) {
  return text.find("out of memory") != std::string_view::npos ||
         text.find("cannot allocate memory") != std::string_view::npos;
}

}  // namespace aurite::sql
