// Table-driven base64url codec. Decoding writes straight into the caller's
// buffer type so secret input never passes through an unwiped temporary.
#include "crypto/base64url.h"

#include <array>

namespace aurite::crypto {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr unsigned char kInvalid = 0xff;

constexpr std::array<unsigned char, 256> MakeDecodeTable() {
  std::array<unsigned char, 256> table{};
  table.fill(kInvalid);
  for (std::size_t i = 0; i < kAlphabet.size(); ++i) {
    table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<unsigned char>(i);
  }
  return table;
}
constexpr std::array<unsigned char, 256> kDecodeTable = MakeDecodeTable();

std::size_t EncodedSize(std::size_t n, Padding padding) {
  if (padding == Padding::kPadded) return (n + 2) / 3 * 4;
  return n / 3 * 4 + (n % 3 == 0 ? 0 : n % 3 + 1);
}

template <typename Sink>
void EncodeInto(std::span<const unsigned char> in, Padding padding, Sink& out) {
  std::size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    std::uint32_t v = (in[i] << 16) | (in[i + 1] << 8) | in[i + 2];
    char chunk[4] = {kAlphabet[v >> 18], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63],
                     kAlphabet[v & 63]};
    out.Append(std::string_view(chunk, 4));
  }
  std::size_t rest = in.size() - i;
  if (rest == 0) return;
  std::uint32_t v = in[i] << 16;
  if (rest == 2) v |= in[i + 1] << 8;
  char chunk[4] = {kAlphabet[v >> 18], kAlphabet[(v >> 12) & 63],
                   rest == 2 ? kAlphabet[(v >> 6) & 63] : '=', '='};
  std::size_t length = padding == Padding::kPadded ? 4 : rest + 1;
  out.Append(std::string_view(chunk, length));
}

struct StringSink {
  std::string& text;
  void Append(std::string_view piece) { text.append(piece); }
};

Status MalformedError() {
  return InvalidArgumentError(
      "malformed base64url text: expected the canonical RFC 4648 URL-safe alphabet");
}

// Checks the shape of `text` and returns the number of data characters
// (padding excluded), or -1 when the text is not canonical.
long DataLength(std::string_view text, Padding padding) {
  std::size_t data = text.size();
  if (padding == Padding::kPadded) {
    if (text.size() % 4 != 0) return -1;
    while (data > 0 && text.size() - data < 2 && text[data - 1] == '=') --data;
  }
  if (data % 4 == 1) return -1;
  if (padding == Padding::kPadded && data % 4 != 0 && text.size() - data != 4 - data % 4) return -1;
  return static_cast<long>(data);
}

template <typename Out>
Status DecodeInto(std::string_view text, Padding padding, Out& out) {
  long data = DataLength(text, padding);
  if (data < 0) return MalformedError();
  std::uint32_t acc = 0;
  int bits = 0;
  std::size_t written = 0;
  for (long i = 0; i < data; ++i) {
    unsigned char v = kDecodeTable[static_cast<unsigned char>(text[i])];
    if (v == kInvalid) return MalformedError();
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[written++] = static_cast<unsigned char>(acc >> bits);
      acc &= (1u << bits) - 1;
    }
  }
  // Leftover bits must be zero, or two texts would decode to the same bytes.
  if (acc != 0) return MalformedError();
  return OkStatus();
}

std::size_t DecodedSize(std::string_view text, Padding padding) {
  long data = DataLength(text, padding);
  return data < 0 ? 0 : static_cast<std::size_t>(data) * 6 / 8;
}

}  // namespace

std::string Base64UrlEncode(std::span<const unsigned char> bytes, Padding padding) {
  std::string text;
  text.reserve(EncodedSize(bytes.size(), padding));
  StringSink sink{text};
  EncodeInto(bytes, padding, sink);
  return text;
}

SecretBuffer Base64UrlEncodeSecret(std::span<const unsigned char> bytes, Padding padding) {
  SecretBuffer text;
  EncodeInto(bytes, padding, text);
  return text;
}

StatusOr<std::vector<unsigned char>> Base64UrlDecode(std::string_view text, Padding padding) {
  std::vector<unsigned char> bytes(DecodedSize(text, padding));
  AURITE_RETURN_IF_ERROR(DecodeInto(text, padding, bytes));
  return bytes;
}

StatusOr<SecretBuffer> Base64UrlDecodeSecret(std::string_view text, Padding padding) {
  SecretBuffer bytes(DecodedSize(text, padding));
  std::span<unsigned char> view = bytes.mutable_bytes();
  AURITE_RETURN_IF_ERROR(DecodeInto(text, padding, view));
  return bytes;
}

}  // namespace aurite::crypto
