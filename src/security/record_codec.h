// The binary form of the store's sealed records (lease_records.h): what the
// store encrypts.
//
//   record = kind (1 byte) version (1 byte) field*
//   field  = tag (1 byte) length (4 bytes, big-endian) value (length bytes)
//
// Integers are 8 bytes, big-endian two's complement. A record is built and
// read inside a SecretBuffer, so the passwords in it are never copied into
// ordinary memory. Errors name the kind, the tag and what is wrong, never a
// field's value.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "base/status.h"
#include "crypto/secret_buffer.h"

namespace aurite::security {

class RecordWriter {
 public:
  RecordWriter(char kind, std::uint8_t version);

  void Bytes(std::uint8_t tag, std::span<const unsigned char> value);
  void Text(std::uint8_t tag, std::string_view value);
  void Int(std::uint8_t tag, std::int64_t value);

  // The record; the writer is empty afterwards.
  crypto::SecretBuffer Finish();

 private:
  crypto::SecretBuffer out_;
};

class RecordReader {
 public:
  // Splits `record` into its fields. Fails when the kind or the version is
  // not `kind` and `version`, a field runs past the end, or a tag repeats or
  // is not in `known_tags`. The reader points into `record`, which must
  // outlive it.
  static StatusOr<RecordReader> Parse(std::span<const unsigned char> record, char kind,
                                      std::uint8_t version,
                                      std::span<const std::uint8_t> known_tags);

  bool Has(std::uint8_t tag) const { return fields_[tag].has_value(); }
  // The field `tag`; an error when it is missing (or, for Int, not 8 bytes).
  StatusOr<std::string> Text(std::uint8_t tag) const;
  StatusOr<crypto::SecretBuffer> Secret(std::uint8_t tag) const;
  StatusOr<std::int64_t> Int(std::uint8_t tag) const;

 private:
  explicit RecordReader(char kind) : kind_(kind) {}
  StatusOr<std::span<const unsigned char>> Field(std::uint8_t tag) const;

  char kind_;
  std::array<std::optional<std::span<const unsigned char>>, 256> fields_{};
};

}  // namespace aurite::security
