// LiteralSet: finds every occurrence of many secret strings in a text in one
// pass, fast enough to sit on every response the host emits.
//
// Literals of kStride + 3 bytes or more are found by probing only every
// kStride-th position: each such literal is indexed under a hash of each of
// its first kStride four-byte windows in a 2^22-bit filter, so one of the
// probed positions always falls on an indexed window. Shorter literals (4 to
// kStride + 2 bytes) need a probe at every position, a second, slower pass
// that runs only when such literals exist. Whole literals are compared only
// where the filter fires. Literals are held in SecretBuffers; the index holds
// only hashes and is wiped on destruction.
//
// Literals shorter than kMinSize bytes are not accepted: they would match
// ordinary text everywhere. Immutable after Build(); safe to share between
// threads for reading.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "crypto/secret_buffer.h"
#include "security/masking.h"

namespace aurite::security {

class LiteralSet {
 public:
  static constexpr std::size_t kMinSize = 4;
  static constexpr std::size_t kStride = 4;

  LiteralSet() = default;
  LiteralSet(LiteralSet&&) noexcept = default;
  LiteralSet& operator=(LiteralSet&&) noexcept = default;
  ~LiteralSet();

  // Adds `literal` unless it is shorter than kMinSize; returns whether it
  // was added. Duplicates are harmless. Call Build() after the last Add().
  bool Add(crypto::SecretBuffer literal);
  void Build();

  std::size_t size() const { return literals_.size(); }

  // Spans of every occurrence, merged where they overlap or touch.
  std::vector<ByteSpan> Find(std::string_view text) const;

 private:
  struct Candidate {
    std::uint32_t hash;
    std::uint32_t index;   // into literals_
    std::uint32_t offset;  // of the indexed window within the literal
  };
  // A filter over four-byte windows and the candidates behind it.
  struct Index {
    std::vector<std::uint64_t> filter;
    std::vector<Candidate> candidates;  // sorted by hash
    void Insert(std::uint32_t hash, std::uint32_t index, std::uint32_t offset);
    void Finish();
    bool MayHold(std::uint32_t hash) const {
      return (filter[hash / 64] & (std::uint64_t{1} << (hash % 64))) != 0;
    }
    void Wipe();
  };

  void Probe(const Index& index, std::string_view text, std::size_t pos,
             std::vector<ByteSpan>& spans) const;

  std::vector<crypto::SecretBuffer> literals_;
  Index strided_;  // literals of kStride + 3 bytes or more
  Index dense_;    // shorter literals
};

}  // namespace aurite::security
