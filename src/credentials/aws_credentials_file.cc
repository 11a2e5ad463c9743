// A strict line parser for the shared credentials file. It works on views
// into the SecretBuffer holding the file, so a secret is copied only once,
// into the SecretBuffer it ends up in.
#include "credentials/aws_credentials_file.h"

#include <optional>
#include <set>
#include <string>

#include "base/text.h"

namespace aurite::credentials {
namespace {

constexpr std::string_view kWhitespace = " \t\r\f\v";

std::string_view Trim(std::string_view text) {
  const std::size_t first = text.find_first_not_of(kWhitespace);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kWhitespace) - first + 1);
}

// The settings of the profile asked for, as views into the file's text.
struct ProfileSettings {
  bool found = false;
  std::optional<std::string_view> access_key_id;
  std::optional<std::string_view> secret_access_key;
  std::optional<std::string_view> session_token;
};

class Parser {
 public:
  Parser(std::string_view profile, std::string_view origin) : profile_(profile), origin_(origin) {}

  Status ParseLine(std::string_view line, std::size_t number) {
    const std::string_view trimmed = Trim(line);
    if (trimmed.empty() || trimmed.front() == '#' || trimmed.front() == ';') return OkStatus();
    if (kWhitespace.find(line.front()) != std::string_view::npos) {
      if (nested_) return OkStatus();
      return LineError(number,
                       "is indented; only the lines of a nested block (under a setting with an "
                       "empty value) may be");
    }
    nested_ = false;
    if (trimmed.front() == '[') return ParseHeader(trimmed, number);
    const std::size_t delimiter = trimmed.find_first_of("=:");
    const std::string name =
        AsciiLowercase(Trim(trimmed.substr(0, std::min(delimiter, trimmed.size()))));
    if (delimiter == std::string_view::npos || name.empty()) {
      return LineError(number, "is not a [profile] header, a `name = value` setting or a comment");
    }
    if (!in_section_) return LineError(number, "is a setting before the first [profile] header");
    if (!names_.insert(name).second) return LineError(number, "repeats the setting " + name);
    const std::string_view value = Trim(trimmed.substr(delimiter + 1));
    nested_ = value.empty();
    if (in_profile_) Store(name, value);
    return OkStatus();
  }

  const ProfileSettings& settings() const { return settings_; }

 private:
  Status ParseHeader(std::string_view header, std::size_t number) {
    if (header.size() < 3 || header.back() != ']') {
      return LineError(number, "is not a [profile] header: it must end with ']' and name one");
    }
    const std::string name(header.substr(1, header.size() - 2));
    if (!sections_.insert(name).second) return LineError(number, "repeats [" + name + "]");
    in_profile_ = name == profile_;
    settings_.found = settings_.found || in_profile_;
    in_section_ = true;
    names_.clear();
    return OkStatus();
  }

  void Store(const std::string& name, std::string_view value) {
    if (name == "aws_access_key_id") settings_.access_key_id = value;
    if (name == "aws_secret_access_key") settings_.secret_access_key = value;
    if (name == "aws_session_token") settings_.session_token = value;
  }

  Status LineError(std::size_t number, const std::string& problem) const {
    return InvalidArgumentError(std::string(origin_) + " line " + std::to_string(number) + " " +
                                problem);
  }

  std::string_view profile_;
  std::string_view origin_;
  ProfileSettings settings_;
  std::set<std::string> sections_;
  std::set<std::string> names_;  // of the current section
  bool in_section_ = false;
  bool in_profile_ = false;
  bool nested_ = false;  // the last setting had an empty value
};

}  // namespace

StatusOr<crypto::AwsCredentials> ParseCredentialsProfile(const crypto::SecretBuffer& text,
                                                         std::string_view profile,
                                                         std::string_view origin) {
  Parser parser(profile, origin);
  std::string_view rest = text.Reveal();
  for (std::size_t number = 1; !rest.empty(); ++number) {
    const std::size_t end = rest.find('\n');
    AURITE_RETURN_IF_ERROR(parser.ParseLine(rest.substr(0, end), number));
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
  }
  const ProfileSettings& settings = parser.settings();
  const std::string where = "profile [" + std::string(profile) + "] in " + std::string(origin);
  if (!settings.found) return NotFoundError(where + " does not exist");
  if (!settings.access_key_id || settings.access_key_id->empty()) {
    return InvalidArgumentError(where +
                                " has no aws_access_key_id (profiles that assume a role or use "
                                "SSO or credential_process are not supported)");
  }
  if (!settings.secret_access_key || settings.secret_access_key->empty()) {
    return InvalidArgumentError(where + " has aws_access_key_id but no aws_secret_access_key");
  }
  crypto::AwsCredentials credentials;
  credentials.access_key_id = std::string(*settings.access_key_id);
  credentials.secret_access_key = crypto::SecretBuffer::CopyFrom(*settings.secret_access_key);
  if (settings.session_token) {
    credentials.session_token = crypto::SecretBuffer::CopyFrom(*settings.session_token);
  }
  return credentials;
}

}  // namespace aurite::credentials
