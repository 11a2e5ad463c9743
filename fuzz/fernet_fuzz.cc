// Fuzzes Fernet decryption (src/crypto/fernet) and MultiFernet
// (multi_fernet) with tokens the fuzzer mutates.
//
// Each input is a plaintext, a timestamp and IV, and a list of edits. A
// token is made for the plaintext with a fixed key, the edits applied to
// its text (flip, set, insert or delete a byte, truncate), and the result
// decrypted.
//
// Properties: an unmodified token decrypts to its plaintext and timestamp,
// with Fernet and with a MultiFernet that holds the key second; any change
// to the token's text fails (our base64url decoding is strict, so there is
// no alphabet- or padding-equivalent spelling of a token); MultiFernet's
// Rotate re-encrypts under its first key keeping the timestamp; and the
// edited text, tried as a token on its own under both keys, never crashes.
#include <fuzzer/FuzzedDataProvider.h>

#include <array>
#include <string>

#include "crypto/fernet.h"
#include "crypto/multi_fernet.h"
#include "fuzz/fuzz_check.h"

namespace {

using aurite::fuzz::Check;
namespace crypto = aurite::crypto;

crypto::FernetKey Key(std::string_view text) {
  auto key = crypto::FernetKey::FromText(text);
  Check(key.ok(), "the fixed key parses");
  return std::move(*key);
}

const crypto::Fernet& First() {
  static const crypto::Fernet fernet(Key("cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="));
  return fernet;
}

const crypto::Fernet& Second() {
  static const crypto::Fernet fernet(Key("7Ezkw-5ueWbmz2dJNb-C_JH1E7fIF2X2fNlaHeJJr8U="));
  return fernet;
}

// Holds the first key first, the second key second.
const crypto::MultiFernet& Both() {
  static const crypto::MultiFernet multi = [] {
    std::vector<crypto::FernetKey> keys;
    keys.push_back(Key("cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="));
    keys.push_back(Key("7Ezkw-5ueWbmz2dJNb-C_JH1E7fIF2X2fNlaHeJJr8U="));
    auto made = crypto::MultiFernet::Create(std::move(keys));
    Check(made.ok(), "the MultiFernet is made");
    return std::move(*made);
  }();
  return multi;
}

void Edit(FuzzedDataProvider& provider, std::string& token) {
  const int edits = provider.ConsumeIntegralInRange(0, 4);
  for (int i = 0; i < edits && !token.empty(); ++i) {
    const std::size_t at = provider.ConsumeIntegralInRange<std::size_t>(0, token.size() - 1);
    const char byte = static_cast<char>(provider.ConsumeIntegral<std::uint8_t>());
    switch (provider.ConsumeIntegralInRange(0, 4)) {
      case 0:
        token[at] = static_cast<char>(token[at] ^ (1 << (byte & 7)));
        break;
      case 1:
        token[at] = byte;
        break;
      case 2:
        token.insert(at, 1, byte);
        break;
      case 3:
        token.erase(at, 1);
        break;
      default:
        token.resize(at);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider provider(data, size);
  const std::uint64_t timestamp = provider.ConsumeIntegral<std::uint64_t>();
  std::array<unsigned char, crypto::Fernet::kIvSize> iv{};
  for (unsigned char& byte : iv) byte = provider.ConsumeIntegral<std::uint8_t>();
  const bool with_second = provider.ConsumeBool();
  const std::string plaintext = provider.ConsumeRandomLengthString(256);
  const crypto::Fernet& maker = with_second ? Second() : First();
  const std::string token = maker.EncryptAt(
      std::span(reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size()),
      timestamp, iv);
  std::string edited = token;
  Edit(provider, edited);

  auto opened = maker.DecryptWithTimestamp(edited);
  auto via_multi = Both().DecryptWithTimestamp(edited);
  if (edited == token) {
    Check(opened.ok() && opened->plaintext.Reveal() == plaintext,
          "an unmodified token decrypts to its plaintext");
    Check(opened->timestamp == timestamp, "an unmodified token keeps its timestamp");
    Check(via_multi.ok() && via_multi->plaintext.Reveal() == plaintext,
          "MultiFernet opens a token of either key");
    auto rotated = Both().Rotate(edited);
    Check(rotated.ok(), "MultiFernet rotates a token it can open");
    auto reopened = First().DecryptWithTimestamp(*rotated);
    Check(reopened.ok() && reopened->plaintext.Reveal() == plaintext &&
              reopened->timestamp == timestamp,
          "a rotated token opens under the first key, same plaintext and timestamp");
  } else {
    Check(!opened.ok(), "a changed token does not decrypt");
    Check(!via_multi.ok(), "a changed token does not decrypt with MultiFernet");
    Check(!Both().Rotate(edited).ok(), "a changed token does not rotate");
  }
  // A TTL check on the way: never a crash, whatever the times.
  (void)maker.Decrypt(edited,
                      {.ttl = std::chrono::seconds(provider.ConsumeIntegral<std::uint32_t>()),
                       .now = provider.ConsumeIntegral<std::uint64_t>()});
  return 0;
}
