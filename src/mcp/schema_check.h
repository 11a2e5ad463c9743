// Checking tool arguments against the tool's input JSON Schema.
//
// Contract: covers the subset tool schemas use in practice: "type" (one name
// or a list), "properties", "required", "enum", "items", and
// "additionalProperties": false, recursively. Other keywords are accepted
// without checking; this is a guard against malformed calls, not a full
// JSON Schema validator. Returns nullopt when `value` conforms, otherwise a
// message naming the offending path (never echoing the value itself).
#pragma once

#include <optional>
#include <string>

#include "mcp/jsonrpc.h"

namespace aurite::mcp {

std::optional<std::string> CheckAgainstSchema(const Json& schema, const Json& value);

}  // namespace aurite::mcp
