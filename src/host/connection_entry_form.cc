// Reading the entry form and assembling a connection string from its fields.
#include "host/connection_entry_form.h"

#include <map>

#include "base/text.h"

namespace aurite::host {
namespace {

constexpr std::size_t kMaxFields = 16;

bool IsFormField(std::string_view name) {
  for (const char* known : {"csrf", "code", "connection_string", "host", "port", "database", "user",
                            "password", "tls", "engine"}) {
    if (name == known) return true;
  }
  return false;
}

// One form value, decoded ('+' is a space, %XX a byte) into a SecretBuffer.
StatusOr<crypto::SecretBuffer> DecodeValue(std::string_view raw, const std::string& name) {
  crypto::SecretBuffer out;
  if (!FormDecodeTo(raw, [&out](std::string_view piece) { out.Append(piece); })) {
    return InvalidArgumentError("the form field '" + name + "' is not properly encoded");
  }
  return out;
}

std::string Plain(const crypto::SecretBuffer& value) { return std::string(value.Reveal()); }

void AppendEncoded(crypto::SecretBuffer& out, std::string_view text) {
  PercentEncodeTo(text, [&](std::string_view piece) { out.Append(piece); });
}

// The engine the separate fields are for.
StatusOr<std::string> EngineOfFields(std::string_view storage_type, const std::string& chosen) {
  if (storage_type == "postgresql" || storage_type == "postgres") return std::string("postgresql");
  if (storage_type == "mysql" || storage_type == "mariadb") return std::string("mysql");
  if (storage_type == "sqlite") return std::string("sqlite");
  if (chosen == "postgresql" || chosen == "mysql") return chosen;
  return InvalidArgumentError("choose the database engine (PostgreSQL or MySQL/MariaDB)");
}

StatusOr<std::string> TlsOption(const std::string& engine, const std::string& tls) {
  if (tls.empty()) return std::string();
  const bool pg = engine == "postgresql";
  if (tls == "disable") return std::string(pg ? "sslmode=disable" : "ssl-mode=DISABLED");
  if (tls == "require") return std::string(pg ? "sslmode=require" : "ssl-mode=REQUIRED");
  if (tls == "verify-full") {
    return std::string(pg ? "sslmode=verify-full" : "ssl-mode=VERIFY_IDENTITY");
  }
  return InvalidArgumentError("TLS mode must be disable, require or verify-full");
}

}  // namespace

StatusOr<EntryForm> ParseEntryForm(const crypto::SecretBuffer& body,
                                   std::string_view storage_type) {
  std::map<std::string, crypto::SecretBuffer> fields;
  std::string_view rest = body.Reveal();
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    std::string name;
    if (!PercentDecodeTo(pair.substr(0, eq), BadEscape::kReject,
                         [&](std::string_view piece) { name += piece; })) {
      return InvalidArgumentError("a form field name is not properly encoded");
    }
    if (fields.size() >= kMaxFields || fields.count(name) != 0 || !IsFormField(name)) {
      return InvalidArgumentError("the form has repeated or unknown fields; reload the page");
    }
    AURITE_ASSIGN_OR_RETURN(
        fields[name],
        DecodeValue(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), name));
  }
  auto get = [&](const std::string& name) -> const crypto::SecretBuffer& {
    static const crypto::SecretBuffer kEmpty;
    auto it = fields.find(name);
    return it == fields.end() ? kEmpty : it->second;
  };
  EntryForm form;
  form.csrf = Plain(get("csrf"));
  form.code = Plain(get("code"));
  const bool separate = !get("host").empty() || !get("user").empty() || !get("database").empty() ||
                        !get("password").empty();
  if (!get("connection_string").empty()) {
    if (separate) {
      return InvalidArgumentError(
          "give either a connection string or the separate fields (host, database, user, "
          "password), not both");
    }
    form.connection_string = get("connection_string").Clone();
    return form;
  }
  AURITE_ASSIGN_OR_RETURN(std::string engine, EngineOfFields(storage_type, Plain(get("engine"))));
  if (engine == "sqlite") {
    if (get("database").empty()) return InvalidArgumentError("enter the SQLite database file path");
    form.connection_string.Append("sqlite:///");
    form.connection_string.Append(get("database").Reveal());
    return form;
  }
  for (const char* required : {"host", "database", "user"}) {
    if (get(required).empty()) {
      return InvalidArgumentError(std::string("enter the ") + required +
                                  ", or a whole connection string");
    }
  }
  const std::string port = Plain(get("port"));
  if (port.find_first_not_of("0123456789") != std::string::npos || port.size() > 5) {
    return InvalidArgumentError("the port must be a number");
  }
  const std::string host = Plain(get("host"));
  if (host.find_first_of("/?#@ ") != std::string::npos) {
    return InvalidArgumentError("the host must be a host name or address, without a path");
  }
  AURITE_ASSIGN_OR_RETURN(std::string tls, TlsOption(engine, Plain(get("tls"))));
  crypto::SecretBuffer& out = form.connection_string;
  out.Append(engine + "://");
  AppendEncoded(out, get("user").Reveal());
  if (!get("password").empty()) {
    out.Append(":");
    AppendEncoded(out, get("password").Reveal());
  }
  out.Append("@" + host);
  if (!port.empty()) out.Append(":" + port);
  out.Append("/");
  AppendEncoded(out, get("database").Reveal());
  if (!tls.empty()) out.Append("?" + tls);
  return form;
}

}  // namespace aurite::host
