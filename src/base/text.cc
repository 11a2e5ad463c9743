// The out-of-line ASCII text helpers of text.h.
#include "base/text.h"

namespace aurite {

std::string AsciiLowercase(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return lower;
}

std::string HexEncode(std::span<const unsigned char> bytes) {
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (unsigned char byte : bytes) {
    hex.push_back(HexDigit(byte >> 4));
    hex.push_back(HexDigit(byte & 0xF));
  }
  return hex;
}

std::string PercentEncode(std::string_view text) {
  std::string encoded;
  PercentEncodeTo(text, [&encoded](std::string_view piece) { encoded.append(piece); });
  return encoded;
}

}  // namespace aurite
