// Connection strings made from fuzz input, in every form the sql parser and
// the masking rules know, around a password the fuzzer chooses. Shared by
// masking_fuzz and redaction_fuzz.
//
// Everything but the password is lower-case letters, digits and the form's
// own punctuation; every password holds an upper-case letter in each run of
// three characters, and no '*'. So an upper-case letter in masked text can
// only come from the password, and text without one holds no fragment of
// the password longer than two characters.
#pragma once

#include <fuzzer/FuzzedDataProvider.h>

#include <string>

namespace aurite::fuzz {

struct GeneratedConnectionString {
  std::string text;
  std::string password;  // as the database gets it
  // True when ParseConnectionString accepts this form and must return
  // exactly `password`; false for forms only masking knows.
  bool parses = false;
};

inline bool HasUpperCase(std::string_view text) {
  for (char c : text) {
    if (c >= 'A' && c <= 'Z') return true;
  }
  return false;
}

namespace generated_detail {

inline std::string Plain(FuzzedDataProvider& provider, std::size_t max) {
  static constexpr std::string_view kChars = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string out(provider.ConsumeIntegralInRange<std::size_t>(1, max), 'a');
  for (char& c : out)
    c = kChars[provider.ConsumeIntegralInRange<std::size_t>(0, kChars.size() - 1)];
  return out;
}

inline std::string Password(FuzzedDataProvider& provider, std::string_view avoid) {
  static constexpr std::string_view kUpper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  static constexpr std::string_view kAny =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 "
      "!\"#$%&'()+,-./:;<=>?@[\\]^_`{|}~";
  std::string out(provider.ConsumeIntegralInRange<std::size_t>(1, 40), 'A');
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (i % 3 == 0) {
      out[i] = kUpper[provider.ConsumeIntegralInRange<std::size_t>(0, kUpper.size() - 1)];
      continue;
    }
    char c = kAny[provider.ConsumeIntegralInRange<std::size_t>(0, kAny.size() - 1)];
    out[i] = avoid.find(c) == std::string_view::npos ? c : 'Q';
  }
  return out;
}

// Percent-encoding with lower-case hex digits, so that the only upper-case
// letters in it are the password's own.
inline std::string PercentEncoded(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : text) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out.push_back(static_cast<char>(c));
    } else {
      out += {'%', kHex[c >> 4], kHex[c & 15]};
    }
  }
  return out;
}

inline std::string Replaced(std::string text, std::string_view what, std::string_view with) {
  for (std::size_t at = text.find(what); at != std::string::npos;
       at = text.find(what, at + with.size())) {
    text.replace(at, what.size(), with);
  }
  return text;
}

}  // namespace generated_detail

inline GeneratedConnectionString GenerateConnectionString(FuzzedDataProvider& provider) {
  using namespace generated_detail;
  static constexpr std::string_view kSchemes[] = {"postgresql", "postgres", "postgresql+psycopg2",
                                                  "mysql",      "mariadb",  "mysql+pymysql"};
  const std::string scheme(
      kSchemes[provider.ConsumeIntegralInRange<std::size_t>(0, std::size(kSchemes) - 1)]);
  const std::string user = Plain(provider, 12);
  const std::string host = Plain(provider, 12);
  const std::string db = Plain(provider, 12);
  const std::string port = std::to_string(provider.ConsumeIntegralInRange(1, 65535));
  GeneratedConnectionString out;
  switch (provider.ConsumeIntegralInRange(0, 8)) {
    case 0:  // URI, password percent-encoded
      out.password = Password(provider, "");
      out.text = scheme + "://" + user + ":" + PercentEncoded(out.password) + "@" + host + ":" +
                 port + "/" + db + "?sslmode=disable";
      out.parses = true;
      break;
    case 1:  // URI, password as it is: '@', ':', '/' and '?' left unencoded
      out.password = Password(provider, "%");
      out.text = scheme + "://" + user + ":" + out.password + "@" + host + "/" + db;
      out.parses = true;
      break;
    case 2:  // libpq keyword/value, quoted with \' and \\ escapes
      out.password = Password(provider, "");
      out.text = "host=" + host + " port=" + port + " user=" + user + " password='" +
                 Replaced(Replaced(out.password, "\\", "\\\\"), "'", "\\'") + "' dbname=" + db;
      out.parses = true;
      break;
    case 3:  // libpq keyword/value, bare
      out.password = Password(provider, " '\\");
      out.text = "host=" + host + " user=" + user + " password=" + out.password + " dbname=" + db;
      out.parses = true;
      break;
    case 4:  // URI query parameter
      out.password = Password(provider, "");
      out.text = "postgresql://" + user + "@" + host + "/" + db +
                 "?sslmode=require&password=" + PercentEncoded(out.password);
      out.parses = true;
      break;
    case 5:  // ADO.NET, "..." quoting with "" doubling
      out.password = Password(provider, "");
      out.text = "server=" + host + ";database=" + db + ";user id=" + user + ";password=\"" +
                 Replaced(out.password, "\"", "\"\"") + "\";";
      break;
    case 6:  // ODBC, {...} quoting with }} doubling
      out.password = Password(provider, "");
      out.text = "driver={x};server=" + host + ";uid=" + user + ";pwd={" +
                 Replaced(out.password, "}", "}}") + "};database=" + db;
      break;
    case 7:  // JDBC, the password as a URI query parameter
      out.password = Password(provider, "");
      out.text = "jdbc:postgresql://" + host + ":" + port + "/" + db + "?user=" + user +
                 "&password=" + PercentEncoded(out.password);
      break;
    default:  // Oracle thin
      out.password = Password(provider, "@/");
      out.text =
          "jdbc:oracle:thin:" + user + "/" + out.password + "@" + host + ":" + port + "/" + db;
  }
  return out;
}

}  // namespace aurite::fuzz
