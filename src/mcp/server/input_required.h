// Multi-round-trip results of the 2026-07-28 era (SEP-2322): instead of
// sending a request to the client, a tools/call, prompts/get or
// resources/read handler returns resultType "input_required" with the
// requests it needs answered; the client repeats its request with
// `inputResponses` (keyed like the requests) and the echoed `requestState`.
//
// Contract: request states are sealed with an HMAC-SHA256 under a key made
// at process start, so a client cannot forge or alter them: the server
// session refuses a request whose requestState fails the check (-32602)
// before any handler runs, and handlers only ever see opened states.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "mcp/server/server.h"

namespace aurite::mcp {

// {"method": "elicitation/create", "params": {message, requestedSchema}}.
Json ElicitationInput(const std::string& message, Json requested_schema);
// {"method": "sampling/createMessage", "params": params}.
Json SamplingInput(Json params);
// {"method": "roots/list", "params": {}}.
Json RootsInput();

// {"resultType": "input_required", "inputRequests": ..., "requestState"?}
// with `state` sealed.
Json InputRequiredResult(Json input_requests, const std::optional<std::string>& state = {});

// The client's answer to the input request named `key`: an object, or null
// when missing or malformed.
const Json* InputResponse(const CallContext& context, std::string_view key);
// The state this server gave in its last input_required result, as the
// client echoed it; nullopt when none (or not authentic).
std::optional<std::string> RequestState(const CallContext& context);

std::string SealRequestState(std::string_view payload);
std::optional<std::string> OpenRequestState(std::string_view sealed);

}  // namespace aurite::mcp
