// Checking tool arguments against the tool's input JSON Schema.
//
// Contract: covers the keywords tool schemas use in practice, recursively:
// "type" (one name or a list, so ["string", "null"] expresses nullable;
// "integer" accepts 3.0), "properties", "required", "additionalProperties"
// (false or a schema), "enum", "const", "minimum", "maximum",
// "exclusiveMinimum", "exclusiveMaximum", "minLength" and "maxLength" (in
// code points), "pattern" (RE2 syntax, unanchored as JSON Schema says),
// "items", "minItems", "maxItems", "allOf", "anyOf" and "oneOf". Other
// keywords ($ref, if/then/else, formats, ...) are accepted without checking:
// this is a guard against malformed calls, not a full validator. Returns
// nullopt when `value` conforms, otherwise a message naming the offending
// path (e.g. "arguments.rows[2].name") and the rule, never the value itself.
// A pattern RE2 cannot compile fails the check, naming the pattern's path.
#pragma once

#include <optional>
#include <string>

#include "mcp/core/jsonrpc.h"

namespace aurite::mcp {

std::optional<std::string> CheckAgainstSchema(const Json& schema, const Json& value);

}  // namespace aurite::mcp
