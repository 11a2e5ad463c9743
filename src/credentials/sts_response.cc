// An expat parser with a wiping memory suite and a small state machine over
// the element path: STS answers are a handful of fixed elements deep.
#include "credentials/sts_response.h"

#include <expat.h>
#include <malloc.h>
#include <openssl/crypto.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "base/text.h"

namespace aurite::credentials {
namespace {

constexpr std::size_t kMaxDepth = 16;
constexpr std::size_t kMaxValueBytes = 64 * 1024;
constexpr XML_Char kNamespaceSeparator[] = "|";

// expat's memory, so its copies of the answer (its input buffer, the text
// it hands us) are wiped like a SecretBuffer before they are released.
// glibc's malloc_usable_size tells how large a block is.
void* ExpatMalloc(std::size_t size) { return std::malloc(size); }
void ExpatFree(void* block) {
  if (block == nullptr) return;
  OPENSSL_cleanse(block, malloc_usable_size(block));
  std::free(block);
}
void* ExpatRealloc(void* block, std::size_t size) {
  if (block == nullptr) return std::malloc(size);
  void* grown = std::malloc(size);
  if (grown == nullptr) return nullptr;
  std::memcpy(grown, block, std::min(size, malloc_usable_size(block)));
  ExpatFree(block);
  return grown;
}
const XML_Memory_Handling_Suite kWipingMemory = {ExpatMalloc, ExpatRealloc, ExpatFree};

struct ParserFree {
  void operator()(XML_Parser parser) const { XML_ParserFree(parser); }
};
using ParserHandle = std::unique_ptr<std::remove_pointer_t<XML_Parser>, ParserFree>;

enum class Field {
  kNone,
  kAccessKeyId,
  kSecretAccessKey,
  kSessionToken,
  kExpiration,
  kCode,
  kMessage
};

struct Document {
  XML_Parser parser = nullptr;
  std::vector<std::string> path;  // local names of the open elements, root first
  Field field = Field::kNone;     // the value being read, if any
  std::set<Field> seen;
  std::string access_key_id, expiration, code, message;
  crypto::SecretBuffer secret_access_key, session_token;
  std::string refused;  // why the parser was stopped
};

void Refuse(Document& document, std::string why) {
  if (document.refused.empty()) document.refused = std::move(why);
  XML_StopParser(document.parser, XML_FALSE);
}

std::string_view LocalName(const XML_Char* name) {
  const std::string_view qualified(name);
  const std::size_t separator = qualified.rfind(kNamespaceSeparator[0]);
  return separator == std::string_view::npos ? qualified : qualified.substr(separator + 1);
}

bool PathIs(const std::vector<std::string>& path, std::initializer_list<std::string_view> names) {
  return std::equal(path.begin(), path.end(), names.begin(), names.end());
}

Field FieldAt(const std::vector<std::string>& path) {
  if (path.empty()) return Field::kNone;
  const std::vector<std::string> parent(path.begin(), path.end() - 1);
  if (PathIs(parent, {"AssumeRoleResponse", "AssumeRoleResult", "Credentials"})) {
    const std::string& name = path.back();
    if (name == "AccessKeyId") return Field::kAccessKeyId;
    if (name == "SecretAccessKey") return Field::kSecretAccessKey;
    if (name == "SessionToken") return Field::kSessionToken;
    if (name == "Expiration") return Field::kExpiration;
  }
  // Query-protocol errors come as ErrorResponse/Error, and from some
  // services and emulators as ErrorResponse/Errors/Error or
  // Response/Errors/Error; botocore reads all three.
  if (PathIs(parent, {"ErrorResponse", "Error"}) ||
      PathIs(parent, {"ErrorResponse", "Errors", "Error"}) ||
      PathIs(parent, {"Response", "Errors", "Error"})) {
    if (path.back() == "Code") return Field::kCode;
    if (path.back() == "Message") return Field::kMessage;
  }
  return Field::kNone;
}

void XMLCALL OnStart(void* data, const XML_Char* name, const XML_Char**) {
  auto& document = *static_cast<Document*>(data);
  if (document.path.size() >= kMaxDepth) {
    return Refuse(document, "nests elements more than " + std::to_string(kMaxDepth) + " deep");
  }
  document.path.emplace_back(LocalName(name));
  document.field = FieldAt(document.path);
  if (document.field != Field::kNone && !document.seen.insert(document.field).second) {
    Refuse(document, "repeats <" + document.path.back() + ">");
  }
}

void XMLCALL OnEnd(void* data, const XML_Char*) {
  auto& document = *static_cast<Document*>(data);
  document.path.pop_back();
  document.field = Field::kNone;
}

void XMLCALL OnText(void* data, const XML_Char* text, int size) {
  auto& document = *static_cast<Document*>(data);
  const std::string_view piece(text, static_cast<std::size_t>(size));
  auto append = [&](auto& value) {
    if (value.size() + piece.size() > kMaxValueBytes) {
      return Refuse(document,
                    "has a value longer than " + std::to_string(kMaxValueBytes) + " bytes");
    }
    if constexpr (std::is_same_v<std::decay_t<decltype(value)>, crypto::SecretBuffer>) {
      value.Append(piece);
    } else {
      value.append(piece);
    }
  };
  switch (document.field) {
    case Field::kNone:
      return;
    case Field::kAccessKeyId:
      return append(document.access_key_id);
    case Field::kSecretAccessKey:
      return append(document.secret_access_key);
    case Field::kSessionToken:
      return append(document.session_token);
    case Field::kExpiration:
      return append(document.expiration);
    case Field::kCode:
      return append(document.code);
    case Field::kMessage:
      return append(document.message);
  }
}

void XMLCALL OnDoctype(void* data, const XML_Char*, const XML_Char*, const XML_Char*, int) {
  Refuse(*static_cast<Document*>(data), "has a document type declaration");
}

// Runs `body` through expat into `document`. kUnavailable saying why ("is
// not well-formed XML: …", or why the document was refused) when it fails,
// kResourceExhausted without memory for a parser.
Status Parse(const crypto::SecretBuffer& body, Document& document) {
  if (body.size() > static_cast<std::size_t>(INT_MAX))
    return UnavailableError("is too large to read");
  ParserHandle parser(XML_ParserCreate_MM(nullptr, &kWipingMemory, kNamespaceSeparator));
  if (!parser) return ResourceExhaustedError("out of memory for an XML parser");
  document.parser = parser.get();
  XML_SetUserData(parser.get(), &document);
  XML_SetElementHandler(parser.get(), OnStart, OnEnd);
  XML_SetCharacterDataHandler(parser.get(), OnText);
  XML_SetStartDoctypeDeclHandler(parser.get(), OnDoctype);
  const std::string_view text = body.Reveal();
  if (XML_Parse(parser.get(), text.data(), static_cast<int>(text.size()), XML_TRUE) ==
      XML_STATUS_OK) {
    return OkStatus();
  }
  if (!document.refused.empty()) return UnavailableError(document.refused);
  return UnavailableError(std::string("is not well-formed XML: ") +
                          XML_ErrorString(XML_GetErrorCode(parser.get())) + " at line " +
                          std::to_string(XML_GetCurrentLineNumber(parser.get())));
}

Status StsError(const Document& document, int http_status) {
  std::string message = "STS refused AssumeRole with " + PeerTextExcerpt(document.code);
  if (!document.message.empty()) message += ": " + PeerTextExcerpt(document.message);
  if (http_status == 403 || document.code == "AccessDenied") {
    return PermissionDeniedError(std::move(message) +
                                 " (check that the source credentials may assume the role and "
                                 "that the role trusts them)");
  }
  if (http_status >= 500 || document.code.starts_with("Throttl")) {
    return UnavailableError(std::move(message));
  }
  return InvalidArgumentError(std::move(message));
}

int Digits(std::string_view text, std::size_t at, std::size_t count) {
  int value = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (i >= text.size() || text[i] < '0' || text[i] > '9') return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

}  // namespace

std::optional<std::chrono::system_clock::time_point> ParseIso8601Utc(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS, then an optional fraction, then Z.
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':' || text.back() != 'Z') {
    return std::nullopt;
  }
  const int year = Digits(text, 0, 4), month = Digits(text, 5, 2), day = Digits(text, 8, 2);
  const int hour = Digits(text, 11, 2), minute = Digits(text, 14, 2), second = Digits(text, 17, 2);
  const std::string_view fraction = text.substr(19, text.size() - 20);
  if (!fraction.empty() && (fraction.size() < 2 || fraction.size() > 10 || fraction[0] != '.' ||
                            Digits(fraction, 1, fraction.size() - 1) < 0)) {
    return std::nullopt;
  }
  if (year < 0 || month < 1 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 ||
      second < 0 || second > 59) {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year(year),
                                         std::chrono::month(static_cast<unsigned>(month)),
                                         std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok()) return std::nullopt;
  return std::chrono::sys_days(date) + std::chrono::hours(hour) + std::chrono::minutes(minute) +
         std::chrono::seconds(second);
}

StatusOr<AssumedRole> ParseAssumeRoleResponse(const crypto::SecretBuffer& body, int http_status) {
  Document document;
  const std::string where = " (HTTP status " + std::to_string(http_status) + ")";
  if (Status parsed = Parse(body, document); !parsed.ok()) {
    return Status(parsed.code(), "STS's answer " + parsed.message() + where);
  }
  if (!document.code.empty()) return StsError(document, http_status);
  if (http_status != 200) {
    return UnavailableError("STS answered without an AssumeRole result or an error code" + where);
  }
  for (auto [field, name] : {std::pair{Field::kAccessKeyId, "AccessKeyId"},
                             {Field::kSecretAccessKey, "SecretAccessKey"},
                             {Field::kSessionToken, "SessionToken"},
                             {Field::kExpiration, "Expiration"}}) {
    if (!document.seen.contains(field)) {
      return UnavailableError(std::string("STS's answer has no AssumeRoleResult/Credentials/") +
                              name);
    }
  }
  const auto expiration = ParseIso8601Utc(document.expiration);
  if (!expiration) {
    return UnavailableError("STS's answer has an Expiration that is not YYYY-MM-DDTHH:MM:SSZ");
  }
  if (document.access_key_id.empty() || document.secret_access_key.empty() ||
      document.session_token.empty()) {
    return UnavailableError("STS's answer has empty credentials");
  }
  AssumedRole role;
  role.credentials.access_key_id = std::move(document.access_key_id);
  role.credentials.secret_access_key = std::move(document.secret_access_key);
  role.credentials.session_token = std::move(document.session_token);
  role.expiration = *expiration;
  return role;
}

std::optional<AwsXmlError> ParseXmlError(const crypto::SecretBuffer& body) {
  Document document;
  if (!Parse(body, document).ok() || document.code.empty()) return std::nullopt;
  return AwsXmlError{std::move(document.code), std::move(document.message)};
}

}  // namespace aurite::credentials
