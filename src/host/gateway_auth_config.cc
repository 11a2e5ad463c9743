// Reading gateway.auth and gateway.bearer_tokens (gateway_auth_config.h).
#include "host/gateway_auth_config.h"

#include <algorithm>

#include "credentials/aws_endpoint.h"
#include "mcp/transport/bearer_auth.h"

namespace aurite::host {
namespace {

using config_json::Field;
using config_json::GetDuration;
using config_json::GetString;
using config_json::GetStrings;
using config_json::Has;

bool IsDigestHex(const std::string& text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

Status ParseEntryPageClient(const Field& field, const ReferenceSources& sources,
                            GatewayEntryPageClient& client) {
  AURITE_RETURN_IF_ERROR(config_json::ExpectObjectWithKeys(field, {"client_id", "client_secret"}));
  if (!Has(field, "client_id")) {
    return field.Error(
        "a \"client_id\": a client registered at the issuer with the redirect URI "
        "<gateway URL>/connect/callback (and \"client_secret\" unless it is a public client)");
  }
  AURITE_ASSIGN_OR_RETURN(client.client_id, GetString(field["client_id"]));
  if (client.client_id.empty()) return field["client_id"].Error("a client id that is not empty");
  if (Has(field, "client_secret")) {
    AURITE_ASSIGN_OR_RETURN(crypto::SecretBuffer secret,
                            config_json::TakeSecret(field["client_secret"], sources));
    client.client_secret = std::make_shared<const crypto::SecretBuffer>(std::move(secret));
  }
  return OkStatus();
}

}  // namespace

Status CheckAuthServerUrl(std::string_view url, const std::string& what) {
  auto endpoint = credentials::ParseEndpointUrl(url, what);
  const bool loopback = endpoint.ok() && (endpoint->host == "127.0.0.1" ||
                                          endpoint->host == "localhost" || endpoint->host == "::1");
  if (!endpoint.ok() || (!endpoint->tls && !loopback)) {
    return InvalidArgumentError(what +
                                ": expected an https:// URL without query or fragment, such as "
                                "https://idp.example.com/realms/acme (http:// only on loopback, "
                                "for tests)");
  }
  return OkStatus();
}

Status ParseIntrospection(const Field& field, const ReferenceSources& sources,
                          GatewayIntrospection& introspection) {
  AURITE_RETURN_IF_ERROR(
      config_json::ExpectObjectWithKeys(field, {"endpoint", "client_id", "client_secret"}));
  if (!Has(field, "endpoint") || !Has(field, "client_id") || !Has(field, "client_secret")) {
    return field.Error(
        "\"endpoint\", \"client_id\" and \"client_secret\" (a reference such as "
        "\"${env:NAME}\")");
  }
  AURITE_ASSIGN_OR_RETURN(introspection.endpoint, GetString(field["endpoint"]));
  AURITE_RETURN_IF_ERROR(CheckAuthServerUrl(introspection.endpoint, field.path + ".endpoint"));
  AURITE_ASSIGN_OR_RETURN(introspection.client_id, GetString(field["client_id"]));
  AURITE_ASSIGN_OR_RETURN(crypto::SecretBuffer secret,
                          config_json::TakeSecret(field["client_secret"], sources));
  introspection.client_secret = std::make_shared<const crypto::SecretBuffer>(std::move(secret));
  return OkStatus();
}

Status ParseGatewayAuth(const Field& field, const ReferenceSources& sources,
                        GatewayAuthConfig& auth) {
  AURITE_RETURN_IF_ERROR(config_json::ExpectObjectWithKeys(
      field, {"issuer", "audience", "jwks_uri", "required_scopes", "scopes_supported",
              "groups_claim", "max_clock_skew", "introspection", "entry_page"}));
  if (!Has(field, "issuer")) {
    return field.Error("an \"issuer\": the URL of the authorization server whose tokens count");
  }
  AURITE_ASSIGN_OR_RETURN(auth.issuer, GetString(field["issuer"]));
  AURITE_RETURN_IF_ERROR(CheckAuthServerUrl(auth.issuer, field.path + ".issuer"));
  if (Has(field, "audience")) {
    AURITE_ASSIGN_OR_RETURN(auth.audience, GetString(field["audience"]));
    if (auth.audience.empty()) return field["audience"].Error("the gateway's URL, or no key");
  }
  if (Has(field, "jwks_uri")) {
    AURITE_ASSIGN_OR_RETURN(auth.jwks_uri, GetString(field["jwks_uri"]));
    AURITE_RETURN_IF_ERROR(CheckAuthServerUrl(auth.jwks_uri, field.path + ".jwks_uri"));
  }
  if (Has(field, "required_scopes")) {
    AURITE_ASSIGN_OR_RETURN(auth.required_scopes, GetStrings(field["required_scopes"]));
  }
  if (Has(field, "scopes_supported")) {
    AURITE_ASSIGN_OR_RETURN(auth.scopes_supported, GetStrings(field["scopes_supported"]));
  }
  if (Has(field, "groups_claim")) {
    AURITE_ASSIGN_OR_RETURN(auth.groups_claim, GetString(field["groups_claim"]));
    if (auth.groups_claim.empty() || auth.groups_claim.front() == '.' ||
        auth.groups_claim.back() == '.' || auth.groups_claim.find("..") != std::string::npos) {
      return field["groups_claim"].Error(
          "a claim name, or a dotted path into objects such as \"realm_access.roles\"");
    }
  }
  if (Has(field, "max_clock_skew")) {
    AURITE_ASSIGN_OR_RETURN(auto skew, GetDuration(field["max_clock_skew"]));
    if (skew > std::chrono::seconds(60)) {
      return field["max_clock_skew"].Error("at most 60 seconds (\"60s\"), as MCP asks");
    }
    auth.max_clock_skew = std::chrono::duration_cast<std::chrono::seconds>(skew);
  }
  if (Has(field, "introspection")) {
    auth.introspection.emplace();
    AURITE_RETURN_IF_ERROR(
        ParseIntrospection(field["introspection"], sources, *auth.introspection));
  }
  if (Has(field, "entry_page")) {
    auth.entry_page.emplace();
    AURITE_RETURN_IF_ERROR(ParseEntryPageClient(field["entry_page"], sources, *auth.entry_page));
  }
  return OkStatus();
}

StatusOr<GatewayBearerToken> ParseGatewayBearerToken(const Field& field,
                                                     const ReferenceSources& sources) {
  GatewayBearerToken token;
  if (field.value.is_string()) {
    AURITE_ASSIGN_OR_RETURN(crypto::SecretBuffer secret, config_json::TakeSecret(field, sources));
    token.sha256_hex = mcp::TokenDigestHex(secret.Reveal());
    token.name = "sha256:" + token.sha256_hex.substr(0, 16);
    return token;
  }
  AURITE_RETURN_IF_ERROR(
      config_json::ExpectObjectWithKeys(field, {"name", "token", "sha256", "groups"}));
  if (Has(field, "token") == Has(field, "sha256")) {
    return field.Error(
        "either \"token\" (the token, e.g. \"${env:NAME}\") or \"sha256\" (its "
        "SHA-256 in hex), not both");
  }
  if (Has(field, "token")) {
    AURITE_ASSIGN_OR_RETURN(crypto::SecretBuffer secret,
                            config_json::TakeSecret(field["token"], sources));
    if (secret.empty()) return field["token"].Error("a token that is not empty");
    token.sha256_hex = mcp::TokenDigestHex(secret.Reveal());
  } else {
    AURITE_ASSIGN_OR_RETURN(token.sha256_hex, GetString(field["sha256"]));
    if (!IsDigestHex(token.sha256_hex)) {
      return field["sha256"].Error(
          "64 lower-case hex digits (e.g. from: printf %s \"$TOKEN\" | sha256sum)");
    }
  }
  token.name = "sha256:" + token.sha256_hex.substr(0, 16);
  if (Has(field, "name")) {
    AURITE_ASSIGN_OR_RETURN(token.name, GetString(field["name"]));
    if (token.name.empty()) return field["name"].Error("a name for the token's principal");
  }
  if (Has(field, "groups")) {
    AURITE_ASSIGN_OR_RETURN(token.groups, GetStrings(field["groups"]));
  }
  return token;
}

}  // namespace aurite::host
