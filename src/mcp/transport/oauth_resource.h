// The OAuth 2.1 resource-server side of the HTTP transport, as the MCP
// authorization specification (2025-11-25) has it: the Protected Resource
// Metadata document (RFC 9728) that tells a client which authorization
// server to ask for a token, and the RFC 6750 challenges that point the
// client to it (401) or ask for more scope (403).
//
// Contract:
//  - `resource` is the canonical URL of the MCP endpoint (the RFC 8707
//    resource a token's audience names): https, or http on loopback only;
//    no query, fragment or user info. MakeProtectedResource() refuses any
//    other with a message that says why.
//  - Challenge parameters are quoted strings with '"' and '\' escaped and
//    control characters dropped, so no value can end the header early.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace aurite::mcp {

struct ProtectedResource {
  std::string resource;                            // e.g. https://db.example.com/mcp
  std::vector<std::string> authorization_servers;  // the issuers whose tokens count
  std::vector<std::string> scopes_supported;       // may be empty
  std::string origin;                              // scheme://host[:port] of resource
  std::string path;                                // of resource: "" or "/mcp"
};

StatusOr<ProtectedResource> MakeProtectedResource(std::string resource,
                                                  std::vector<std::string> authorization_servers,
                                                  std::vector<std::string> scopes_supported);

// The metadata document: resource, authorization_servers,
// bearer_methods_supported ["header"], and scopes_supported when any.
nlohmann::json ProtectedResourceMetadata(const ProtectedResource& resource);

// Where the document is served (RFC 9728 §3.1): the well-known path with
// the resource's path appended, and the bare well-known path.
std::vector<std::string> MetadataPaths(const ProtectedResource& resource);
// Its URL, for the challenges' resource_metadata parameter.
std::string MetadataUrl(const ProtectedResource& resource);

// For a 401: Bearer resource_metadata="…", scope="…" when `scope` is not
// empty, and error="invalid_token" with `description` when a token was
// given but refused (never the token itself).
std::string UnauthorizedChallenge(const ProtectedResource& resource, std::string_view scope,
                                  bool token_given, std::string_view description = {});
// For a 403: Bearer error="insufficient_scope", scope="…" (what the call
// needs), resource_metadata="…".
std::string InsufficientScopeChallenge(const ProtectedResource& resource,
                                       std::string_view required_scope);

// A token's scopes: its "scope" claim (space-separated, RFC 9068) or its
// "scp" claim (an array, as some issuers write it); empty when neither.
std::vector<std::string> TokenScopes(const nlohmann::json& claims);

}  // namespace aurite::mcp
