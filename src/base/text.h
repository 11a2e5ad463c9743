// Small ASCII text helpers shared by every layer: case mapping, hex digits,
// durations and percent-encoding (RFC 3986).
//
// All of them work on bytes and ignore the locale, so they behave the same
// in every process. Percent-encoding and -decoding hand their output to a
// caller's `append(std::string_view)` piece by piece, so a caller that keeps
// the result in a crypto::SecretBuffer never needs a std::string copy of it.
#pragma once

#include <chrono>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace aurite {

// `text` with A-Z mapped to a-z; every other byte is kept.
std::string AsciiLowercase(std::string_view text);

// Text a peer sent (an error message from an AWS API, say), fit to quote in
// ours: control characters become spaces, and text longer than `max_bytes`
// is cut on a UTF-8 character boundary and ends with "…".
std::string PeerTextExcerpt(std::string text, std::size_t max_bytes = 512);

// The value (0-15) of the hex digit `c` (0-9, a-f, A-F), or -1 when `c` is
// not a hex digit.
constexpr int HexDigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

enum class HexCase { kLower, kUpper };

// The hex digit of `value`, which must be 0-15.
constexpr char HexDigit(unsigned value, HexCase letters = HexCase::kLower) {
  return (letters == HexCase::kLower ? "0123456789abcdef" : "0123456789ABCDEF")[value & 0xF];
}

// A duration for messages, in seconds to a tenth: "30 s", "0.5 s".
std::string SecondsText(std::chrono::milliseconds duration);

// Lower-case hex of `bytes`, two digits a byte.
std::string HexEncode(std::span<const unsigned char> bytes);

// Decodes `hex` (either case) into `out`; false, with `out` unspecified,
// unless `hex` is exactly two hex digits for each byte of `out`.
bool HexDecodeTo(std::string_view hex, std::span<unsigned char> out);

// True for the bytes percent-encoding leaves as they are: ASCII letters,
// digits and - . _ ~ (RFC 3986 "unreserved").
constexpr bool IsUnreservedByte(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

// Percent-encodes `text`: every byte that is not unreserved becomes %XX,
// with upper-case hex digits. Calls `append(std::string_view)` with the
// encoded text, in pieces, in order.
template <typename Append>
void PercentEncodeTo(std::string_view text, Append&& append) {
  std::size_t run = 0;  // start of the current run of unreserved bytes
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (IsUnreservedByte(c)) continue;
    if (i > run) append(text.substr(run, i - run));
    const char escape[3] = {'%', HexDigit(c >> 4, HexCase::kUpper),
                            HexDigit(c & 0xF, HexCase::kUpper)};
    append(std::string_view(escape, sizeof escape));
    run = i + 1;
  }
  if (run < text.size()) append(text.substr(run));
}

// PercentEncodeTo into a string.
std::string PercentEncode(std::string_view text);

// What percent-decoding does with a '%' that is not followed by two hex digits.
enum class BadEscape {
  kReject,  // stop decoding and return false
  kKeep,    // keep the '%' as it is and go on
};

// Percent-decodes `text`: each %XX becomes the byte XX (either case of hex
// digit). Calls `append(std::string_view)` with the decoded bytes, in pieces,
// in order. Returns false when `bad` is kReject and `text` holds a '%' not
// followed by two hex digits; what came before it has been appended.
template <typename Append>
bool PercentDecodeTo(std::string_view text, BadEscape bad, Append&& append) {
  std::size_t run = 0;  // start of the current run of bytes copied as they are
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') continue;
    const bool complete = i + 2 < text.size();
    const int high = complete ? HexDigitValue(text[i + 1]) : -1;
    const int low = complete ? HexDigitValue(text[i + 2]) : -1;
    if (high < 0 || low < 0) {
      if (bad == BadEscape::kKeep) continue;
      if (i > run) append(text.substr(run, i - run));
      return false;
    }
    if (i > run) append(text.substr(run, i - run));
    const char byte = static_cast<char>(high * 16 + low);
    append(std::string_view(&byte, 1));
    i += 2;
    run = i + 1;
  }
  if (run < text.size()) append(text.substr(run));
  return true;
}

// Decodes one application/x-www-form-urlencoded value (a form field, a
// query parameter): '+' is a space, then as PercentDecodeTo with kReject.
// Returns false on a bad escape; what came before it has been appended.
template <typename Append>
bool FormDecodeTo(std::string_view text, Append&& append) {
  while (true) {
    const std::size_t plus = text.find('+');
    if (!PercentDecodeTo(text.substr(0, plus), BadEscape::kReject, append)) return false;
    if (plus == std::string_view::npos) return true;
    append(std::string_view(" "));
    text.remove_prefix(plus + 1);
  }
}

}  // namespace aurite
