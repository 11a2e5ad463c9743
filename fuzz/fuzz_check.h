// What the fuzz targets share: a property check that libFuzzer reports as
// a crash, a way to see a crash's inputs, the JSON validity check for text
// we produce, and standard base64 made independently of the code under test.
#pragma once

#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace aurite::fuzz {

// Fails the run when `holds` is false: prints which property broke (never
// the input: libFuzzer saves that as the crash file) and traps, which
// libFuzzer reports as a crash with the input that caused it.
inline void Check(bool holds, const char* property) {
  if (holds) return;
  std::fprintf(stderr, "fuzz property violated: %s\n", property);
  __builtin_trap();
}

// For replaying a crash by hand: with AURITE_FUZZ_EXPLAIN set in the
// environment, prints `what` and `value` (JSON-escaped) to stderr, so the
// inputs a target built from the fuzz data can be seen. Silent otherwise.
inline void Explain(const char* what, std::string_view value) {
  static const bool on = std::getenv("AURITE_FUZZ_EXPLAIN") != nullptr;
  if (!on) return;
  const std::string shown = nlohmann::json(std::string(value))
                                .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::fprintf(stderr, "%s: %s\n", what, shown.c_str());
}

// True when `text` is one complete JSON value, as nlohmann reads it.
inline bool IsValidJson(std::string_view text) { return nlohmann::json::accept(text); }

// Standard padded base64 of `text`, by OpenSSL.
inline std::string StandardBase64(std::string_view text) {
  std::string out(4 * ((text.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

}  // namespace aurite::fuzz
