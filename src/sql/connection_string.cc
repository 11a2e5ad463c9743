// Connection-string parsing: URIs, SQLAlchemy URLs and libpq keyword/value strings.
#include "sql/connection_string.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <utility>

#include "base/text.h"

namespace aurite::sql {
namespace {

constexpr std::string_view kExpectedForms =
    "expected postgresql://, mysql://, mariadb://, sqlite:///path, sqlite::memory: or libpq "
    "keyword=value pairs";

// Holds a std::string that may contain secret bytes and wipes it on scope exit.
class WipedString {
 public:
  WipedString() = default;
  WipedString(const WipedString&) = delete;
  WipedString& operator=(const WipedString&) = delete;
  ~WipedString() { OPENSSL_cleanse(text.data(), text.size()); }
  std::string text;
};

// Decodes %XX sequences into `out` (reserved up front so no partial copies
// of a secret are left behind by reallocation). `what` names the component.
Status PercentDecode(std::string_view in, std::string_view what, std::string& out) {
  out.clear();
  out.reserve(in.size());
  if (!PercentDecodeTo(in, BadEscape::kReject,
                       [&out](std::string_view piece) { out.append(piece); })) {
    return InvalidArgumentError(std::string("connection string: invalid percent-encoding in the ") +
                                std::string(what) +
                                " (use %XX with two hex digits; write % as %25)");
  }
  return OkStatus();
}

std::optional<int> ParsePort(std::string_view text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  int port = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    port = port * 10 + (c - '0');
  }
  if (port < 1 || port > 65535) return std::nullopt;
  return port;
}

bool IsHostChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_' ||
         c == '%';
}

struct HostPort {
  std::string host;
  std::string_view port;  // as written; empty when there is none
};

// Splits "host", "host:port", "[v6]", "[v6]:port" or empty; std::nullopt when
// the host is malformed or a ':' has no port after it. The port's value is
// checked by the caller, so an out-of-range port is reported as such.
std::optional<HostPort> SplitHostPort(std::string_view text) {
  HostPort out;
  std::string_view host = text;
  if (!text.empty() && text.front() == '[') {
    std::size_t close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = text.substr(1, close - 1);
    std::string_view after = text.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::nullopt;
      out.port = after.substr(1);
      if (out.port.empty()) return std::nullopt;
    }
    if (host.empty() || host.find_first_not_of("0123456789abcdefABCDEF:.") != host.npos) {
      return std::nullopt;
    }
  } else {
    std::size_t colon = text.find(':');
    if (colon != std::string_view::npos) {
      host = text.substr(0, colon);
      out.port = text.substr(colon + 1);
      if (out.port.empty()) return std::nullopt;
    }
    if (!std::all_of(host.begin(), host.end(), IsHostChar)) return std::nullopt;
  }
  out.host = std::string(host);
  return out;
}

Status PortError() { return InvalidArgumentError("connection string: port must be 1-65535"); }

// libpq URI query parameters that name a ConnectionConfig field.
Status ApplyPostgresField(std::string_view key, std::string& value, ConnectionConfig& config,
                          bool& applied) {
  applied = true;
  if (key == "host") {
    config.host = value;
  } else if (key == "port") {
    config.port = ParsePort(value);
    if (!config.port) return PortError();
  } else if (key == "user") {
    config.user = value;
  } else if (key == "password") {
    config.password = crypto::SecretBuffer::TakeFrom(value);
  } else if (key == "dbname") {
    config.database = value;
  } else {
    applied = false;
  }
  return OkStatus();
}

// MariaDB options are normalised to dashes; libpq-style TLS names are accepted
// as aliases so one URI style works for both engines.
std::optional<std::string> MariaDbOptionName(std::string_view key) {
  std::string name = AsciiLowercase(key);
  std::replace(name.begin(), name.end(), '_', '-');
  if (name == "sslmode") return "ssl-mode";
  if (name == "sslrootcert") return "ssl-ca";
  if (name == "sslcert") return "ssl-cert";
  if (name == "sslkey") return "ssl-key";
  // The passphrase of an encrypted client key, under libmariadb's two names
  // and libpq's.
  if (name == "tls-passphrase" || name == "ssl-key-passphrase" || name == "sslpassword") {
    return "ssl-passphrase";
  }
  static constexpr std::string_view kKnown[] = {
      "ssl-mode",       "ssl-ca",  "ssl-capath", "ssl-cert",   "ssl-key",
      "ssl-passphrase", "ssl-crl", "charset",    "ssl-cipher", "connect-timeout"};
  for (std::string_view known : kKnown) {
    if (name == known) return name;
  }
  return std::nullopt;
}

Status ParseQuery(std::string_view query, ConnectionConfig& config) {
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    std::size_t eq = pair.find('=');
    if (eq == 0 || eq == std::string_view::npos) {
      return InvalidArgumentError("connection string: query parameters must be key=value");
    }
    WipedString key;
    WipedString value;
    AURITE_RETURN_IF_ERROR(PercentDecode(pair.substr(0, eq), "query parameter name", key.text));
    AURITE_RETURN_IF_ERROR(PercentDecode(pair.substr(eq + 1), "query parameter value", value.text));
    if (config.engine == Engine::kPostgres) {
      bool applied = false;
      AURITE_RETURN_IF_ERROR(ApplyPostgresField(key.text, value.text, config, applied));
      if (!applied) config.SetOption(key.text, value.text);
      continue;
    }
    std::optional<std::string> name = MariaDbOptionName(key.text);
    if (!name) {
      return InvalidArgumentError(
          "connection string: unsupported MariaDB/MySQL option; supported: ssl-mode, ssl-ca, "
          "ssl-capath, ssl-cert, ssl-key, ssl-passphrase, ssl-cipher, ssl-crl, charset, "
          "connect-timeout");
    }
    config.SetOption(*name, value.text);
  }
  return OkStatus();
}

// True when `text` is a host[:port] whose port, if any, is 1-65535 too.
bool IsValidHostPort(std::string_view text) {
  std::optional<HostPort> split = SplitHostPort(text);
  return split && (split->port.empty() || ParsePort(split->port));
}

// The host[:port] part at the start of `text`.
std::string_view HostPortPart(std::string_view text) {
  return text.substr(0, text.find_first_of("/?"));
}

// Finds the '@' that ends the user info: the last one after which a valid
// host[:port] follows, so unencoded '@' in a password still works. When no
// '@' qualifies and the text does not parse without user info either, the
// last '@' before a host with a port of any value is taken, so that a port
// out of range is reported as such rather than as a malformed string.
std::optional<std::size_t> FindUserInfoEnd(std::string_view rest) {
  auto find_last = [rest](auto&& qualifies) -> std::optional<std::size_t> {
    for (std::size_t at = rest.rfind('@'); at != std::string_view::npos;
         at = at == 0 ? std::string_view::npos : rest.rfind('@', at - 1)) {
      if (qualifies(HostPortPart(rest.substr(at + 1)))) return at;
    }
    return std::nullopt;
  };
  std::optional<std::size_t> at = find_last(IsValidHostPort);
  if (at || IsValidHostPort(HostPortPart(rest))) return at;
  return find_last([](std::string_view text) { return SplitHostPort(text).has_value(); });
}

Status ParseUserInfo(std::string_view info, ConnectionConfig& config) {
  std::size_t colon = info.find(':');
  AURITE_RETURN_IF_ERROR(PercentDecode(info.substr(0, colon), "user name", config.user));
  if (colon == std::string_view::npos) return OkStatus();
  WipedString password;
  AURITE_RETURN_IF_ERROR(PercentDecode(info.substr(colon + 1), "password", password.text));
  config.password = crypto::SecretBuffer::TakeFrom(password.text);
  return OkStatus();
}

StatusOr<ConnectionConfig> ParseNetworkUri(Engine engine, std::string_view rest) {
  ConnectionConfig config;
  config.engine = engine;
  std::optional<std::size_t> at = FindUserInfoEnd(rest);
  std::string_view location = rest;
  if (at) {
    AURITE_RETURN_IF_ERROR(ParseUserInfo(rest.substr(0, *at), config));
    location = rest.substr(*at + 1);
  }
  std::size_t end = location.find_first_of("/?");
  std::optional<HostPort> host_port = SplitHostPort(location.substr(0, end));
  if (!host_port) {
    return InvalidArgumentError(
        "connection string: malformed host or port (a password with special characters "
        "should be percent-encoded)");
  }
  config.host = std::move(host_port->host);
  if (!host_port->port.empty()) {
    config.port = ParsePort(host_port->port);
    if (!config.port) return PortError();
  }
  std::string_view tail = end == std::string_view::npos ? std::string_view() : location.substr(end);
  std::size_t question = tail.find('?');
  std::string_view path = tail.substr(0, question);
  if (!path.empty()) {
    AURITE_RETURN_IF_ERROR(PercentDecode(path.substr(1), "database name", config.database));
  }
  if (question != std::string_view::npos) {
    AURITE_RETURN_IF_ERROR(ParseQuery(tail.substr(question + 1), config));
  }
  return config;
}

StatusOr<ConnectionConfig> ParseSqlite(std::string_view rest) {
  ConnectionConfig config;
  config.engine = Engine::kSqlite;
  if (rest == ":memory:" || rest == "//" || rest == "///:memory:" || rest == "///") {
    config.path = ":memory:";
    return config;
  }
  if (rest.substr(0, 3) != "///") {
    return InvalidArgumentError(
        "connection string: SQLite needs sqlite:///relative/path, sqlite:////absolute/path or "
        "sqlite::memory:");
  }
  if (rest.find('?') != std::string_view::npos) {
    return InvalidArgumentError("connection string: SQLite connection strings take no options");
  }
  config.path = std::string(rest.substr(3));
  return config;
}

// A libpq keyword/value value: single-quoted (with \' and \\ escapes) or bare.
Status ReadKeywordValue(std::string_view text, std::size_t& i, std::string& out) {
  bool quoted = i < text.size() && text[i] == '\'';
  if (quoted) ++i;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (quoted && c == '\'') {
      ++i;
      return OkStatus();
    }
    if (!quoted && std::isspace(static_cast<unsigned char>(c))) return OkStatus();
    if (c == '\\' && i + 1 < text.size()) c = text[++i];
    out.push_back(c);
  }
  if (quoted) {
    return InvalidArgumentError(
        "connection string: unterminated quoted value in keyword=value form");
  }
  return OkStatus();
}

StatusOr<ConnectionConfig> ParseKeywordValue(std::string_view text) {
  ConnectionConfig config;
  config.engine = Engine::kPostgres;
  std::size_t i = 0;
  auto skip_space = [&] {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  };
  for (skip_space(); i < text.size(); skip_space()) {
    std::size_t key_start = i;
    while (i < text.size() &&
           (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_')) {
      ++i;
    }
    std::string key(text.substr(key_start, i - key_start));
    skip_space();
    if (key.empty() || i >= text.size() || text[i] != '=') {
      return InvalidArgumentError(
          "connection string: keyword=value form needs a keyword, '=' and a value for each pair");
    }
    ++i;
    skip_space();
    WipedString value;
    value.text.reserve(text.size());
    AURITE_RETURN_IF_ERROR(ReadKeywordValue(text, i, value.text));
    bool applied = false;
    AURITE_RETURN_IF_ERROR(ApplyPostgresField(key, value.text, config, applied));
    if (!applied) config.SetOption(key, value.text);
  }
  return config;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

StatusOr<ConnectionConfig> ParseConnectionString(std::string_view text) {
  text = Trim(text);
  if (text.empty()) return InvalidArgumentError("connection string is empty");
  std::size_t sep = text.find("://");
  std::size_t colon = text.find(':');  // at or before sep
  std::string scheme = AsciiLowercase(text.substr(0, colon));
  if (scheme == "sqlite" && colon != std::string_view::npos) {
    return ParseSqlite(text.substr(colon + 1));
  }
  if (sep == std::string_view::npos) {
    if (text.find('=') != std::string_view::npos) return ParseKeywordValue(text);
    return InvalidArgumentError(std::string("connection string is not recognised: ") +
                                std::string(kExpectedForms));
  }
  std::string base = AsciiLowercase(text.substr(0, sep));
  base = base.substr(0, base.find('+'));
  if (base == "postgres" || base == "postgresql") {
    return ParseNetworkUri(Engine::kPostgres, text.substr(sep + 3));
  }
  if (base == "mysql" || base == "mariadb") {
    return ParseNetworkUri(Engine::kMariaDb, text.substr(sep + 3));
  }
  return InvalidArgumentError(std::string("connection string has an unsupported scheme: ") +
                              std::string(kExpectedForms));
}

}  // namespace aurite::sql
