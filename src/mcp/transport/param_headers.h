// Mcp-Param-* headers of the 2026-07-28 Streamable HTTP transport (SEP-2243):
// a tool input property annotated `"x-mcp-header": "Region"` travels in the
// header `Mcp-Param-Region` as well as in the body, so intermediaries can
// route on it. The value is literal, or `=?base64?<standard base64>?=`.
//
// Contract: when the body gives the property, the header must be present
// and decode to the same text (numbers and booleans in their JSON form);
// a missing header, a mismatch or malformed base64 is -32020.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "mcp/core/jsonrpc.h"

namespace aurite::mcp {

// `header(name)` returns the request's header of that name, empty when absent.
std::optional<RpcError> CheckParamHeaders(
    const Json& input_schema, const Json& arguments,
    const std::function<std::string_view(const std::string&)>& header);

// The text a header value stands for; nullopt when it claims base64 but is not.
std::optional<std::string> DecodeParamHeader(std::string_view value);

}  // namespace aurite::mcp
