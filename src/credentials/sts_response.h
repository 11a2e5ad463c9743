// STS answers: the XML of an AssumeRole result, or of an error, read with
// expat (Debian's libexpat). Secret values go from the parser straight into
// SecretBuffers, and every block expat allocates, its copy of the input
// among them, is wiped before it is released.
//
//   <AssumeRoleResponse><AssumeRoleResult><Credentials>
//     <AccessKeyId>ASIA…</AccessKeyId><SecretAccessKey>…</SecretAccessKey>
//     <SessionToken>…</SessionToken><Expiration>2024-02-29T12:00:00Z</Expiration>
//   </Credentials>…</AssumeRoleResult></AssumeRoleResponse>
//
//   <ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>
//     <Message>…</Message></Error><RequestId>…</RequestId></ErrorResponse>
//
// Elements are matched by local name, whatever their namespace. A document
// type declaration (and so any entity) is refused, as are nesting deeper
// than 16 elements and a value longer than 64 KiB.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "crypto/secret_buffer.h"
#include "crypto/sigv4.h"

namespace aurite::credentials {

// Temporary credentials and the instant they stop working.
struct AssumedRole {
  crypto::AwsCredentials credentials;
  std::chrono::system_clock::time_point expiration;
};

// Reads the answer to an AssumeRole call that came with HTTP status
// `http_status`. An STS error document becomes kPermissionDenied (HTTP 403),
// kUnavailable (HTTP 5xx or a Throttling code) or kInvalidArgument, with a
// message naming STS's code and quoting its message (at most 512 bytes,
// control characters replaced). Anything else that is not a complete
// result, a body that is not XML or is cut short among them, is kUnavailable
// saying what was wrong, never quoting the body.
StatusOr<AssumedRole> ParseAssumeRoleResponse(const crypto::SecretBuffer& body, int http_status);

// The Code and Message of an error document of the form above, which some
// endpoints (moto among them) send for any service's authentication
// failures, JSON-protocol services included; std::nullopt when `body` is
// not one. Neither is a secret, but both are the peer's text: quote them
// through PeerTextExcerpt.
struct AwsXmlError {
  std::string code;
  std::string message;
};
std::optional<AwsXmlError> ParseXmlError(const crypto::SecretBuffer& body);

// "YYYY-MM-DDTHH:MM:SS[.fraction]Z" (ISO 8601 in UTC, as STS writes its
// Expiration); std::nullopt for anything else.
std::optional<std::chrono::system_clock::time_point> ParseIso8601Utc(std::string_view text);

}  // namespace aurite::credentials
