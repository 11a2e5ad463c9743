// Building and splitting the tag-length-value form of sealed records.
#include "security/record_codec.h"

#include <algorithm>

namespace aurite::security {
namespace {

constexpr std::size_t kFieldHeaderSize = 1 + 4;

Status Malformed(char kind, const std::string& what) {
  return InvalidArgumentError(std::string("not a valid '") + kind + "' record: " + what);
}

}  // namespace

RecordWriter::RecordWriter(char kind, std::uint8_t version) {
  const unsigned char header[2] = {static_cast<unsigned char>(kind), version};
  out_.Append(header);
}

void RecordWriter::Bytes(std::uint8_t tag, std::span<const unsigned char> value) {
  const auto size = static_cast<std::uint32_t>(value.size());
  const unsigned char header[kFieldHeaderSize] = {
      tag, static_cast<unsigned char>(size >> 24), static_cast<unsigned char>(size >> 16),
      static_cast<unsigned char>(size >> 8), static_cast<unsigned char>(size)};
  out_.Append(header);
  out_.Append(value);
}

void RecordWriter::Text(std::uint8_t tag, std::string_view value) {
  Bytes(tag, {reinterpret_cast<const unsigned char*>(value.data()), value.size()});
}

void RecordWriter::Int(std::uint8_t tag, std::int64_t value) {
  unsigned char bytes[8];
  auto bits = static_cast<std::uint64_t>(value);
  for (int i = 7; i >= 0; --i) {
    bytes[i] = static_cast<unsigned char>(bits & 0xff);
    bits >>= 8;
  }
  Bytes(tag, bytes);
}

crypto::SecretBuffer RecordWriter::Finish() { return std::move(out_); }

StatusOr<RecordReader> RecordReader::Parse(std::span<const unsigned char> record, char kind,
                                           std::uint8_t version,
                                           std::span<const std::uint8_t> known_tags) {
  if (record.size() < 2 || record[0] != static_cast<unsigned char>(kind)) {
    return Malformed(kind, "it is a record of another kind");
  }
  if (record[1] != version) {
    return Malformed(kind, "format version " + std::to_string(record[1]) + ", expected " +
                               std::to_string(version));
  }
  RecordReader reader(kind);
  std::span<const unsigned char> rest = record.subspan(2);
  while (!rest.empty()) {
    if (rest.size() < kFieldHeaderSize) return Malformed(kind, "it ends inside a field header");
    const std::uint8_t tag = rest[0];
    const std::size_t size = (std::size_t{rest[1]} << 24) | (std::size_t{rest[2]} << 16) |
                             (std::size_t{rest[3]} << 8) | std::size_t{rest[4]};
    rest = rest.subspan(kFieldHeaderSize);
    if (size > rest.size()) {
      return Malformed(kind, "field " + std::to_string(tag) + " runs past the end");
    }
    if (std::find(known_tags.begin(), known_tags.end(), tag) == known_tags.end()) {
      return Malformed(kind, "unknown field " + std::to_string(tag));
    }
    if (reader.fields_[tag]) return Malformed(kind, "field " + std::to_string(tag) + " repeats");
    reader.fields_[tag] = rest.first(size);
    rest = rest.subspan(size);
  }
  return reader;
}

StatusOr<std::span<const unsigned char>> RecordReader::Field(std::uint8_t tag) const {
  if (!fields_[tag]) return Malformed(kind_, "field " + std::to_string(tag) + " is missing");
  return *fields_[tag];
}

StatusOr<std::string> RecordReader::Text(std::uint8_t tag) const {
  AURITE_ASSIGN_OR_RETURN(std::span<const unsigned char> value, Field(tag));
  return std::string(reinterpret_cast<const char*>(value.data()), value.size());
}

StatusOr<crypto::SecretBuffer> RecordReader::Secret(std::uint8_t tag) const {
  AURITE_ASSIGN_OR_RETURN(std::span<const unsigned char> value, Field(tag));
  return crypto::SecretBuffer::CopyFrom(value);
}

StatusOr<std::int64_t> RecordReader::Int(std::uint8_t tag) const {
  AURITE_ASSIGN_OR_RETURN(std::span<const unsigned char> value, Field(tag));
  if (value.size() != 8) {
    return Malformed(kind_, "field " + std::to_string(tag) + " is not an 8-byte integer");
  }
  std::uint64_t bits = 0;
  for (unsigned char byte : value) bits = (bits << 8) | byte;
  return static_cast<std::int64_t>(bits);
}

}  // namespace aurite::security
