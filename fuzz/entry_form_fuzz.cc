// Fuzzes the connection entry page's form reader (src/host/connection_entry_form):
// arbitrary bytes as the urlencoded body a browser (or anyone) posts, with a
// canary password field appended, for each storage type.
//
// Properties: an error message never contains the canary (errors name the
// field, never its value); a connection string assembled from the separate
// fields contains the canary; nothing crashes or leaks (ASan, UBSan).
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "host/connection_entry_form.h"

namespace {

using aurite::fuzz::Check;

constexpr std::string_view kCanary = "Zq9canaryXw7";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  if (size == 0) return 0;
  static const char* const kTypes[] = {"postgresql", "mysql", "sqlite", "sql"};
  const std::string type = kTypes[data[0] % 4];
  std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
  body += "&password=";
  body += kCanary;
  const auto form =
      aurite::host::ParseEntryForm(aurite::crypto::SecretBuffer::CopyFrom(body), type);
  if (!form.ok()) {
    Check(form.status().message().find(kCanary) == std::string::npos,
          "an error message contains the password");
    return 0;
  }
  const std::string_view text = form->connection_string.Reveal();
  Check(!text.empty(), "a form that parses yields a connection string");
  if (text.rfind("postgresql://", 0) == 0 || text.rfind("mysql://", 0) == 0) {
    // Either given whole (then the separate fields were refused) or assembled.
    Check(body.find("connection_string=") != std::string::npos ||
              text.find(kCanary) != std::string_view::npos,
          "an assembled connection string lost the password");
  }
  return 0;
}
