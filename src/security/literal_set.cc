// Strided search for many literals with prefix-hash filters.
#include "security/literal_set.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <cstring>

namespace aurite::security {
namespace {

constexpr unsigned kLiteralFilterBits = 22;

std::uint32_t Load4(const unsigned char* p) {
  std::uint32_t word;
  std::memcpy(&word, p, sizeof word);
  return word;
}

std::uint32_t Hash(std::uint32_t word) { return (word * 2654435761u) >> (32 - kLiteralFilterBits); }

bool ByHash(const auto& a, const auto& b) { return a.hash < b.hash; }

}  // namespace

void LiteralSet::Index::Insert(std::uint32_t hash, std::uint32_t index, std::uint32_t offset) {
  if (filter.empty()) filter.assign((std::size_t{1} << kLiteralFilterBits) / 64, 0);
  filter[hash / 64] |= std::uint64_t{1} << (hash % 64);
  candidates.push_back({hash, index, offset});
}

void LiteralSet::Index::Finish() {
  std::sort(candidates.begin(), candidates.end(), ByHash<Candidate, Candidate>);
}

void LiteralSet::Index::Wipe() {
  if (!filter.empty()) OPENSSL_cleanse(filter.data(), filter.size() * sizeof filter[0]);
  if (!candidates.empty()) {
    OPENSSL_cleanse(candidates.data(), candidates.size() * sizeof candidates[0]);
  }
}

LiteralSet::~LiteralSet() {
  strided_.Wipe();
  dense_.Wipe();
}

bool LiteralSet::Add(crypto::SecretBuffer literal) {
  if (literal.size() < kMinSize) return false;
  literals_.push_back(std::move(literal));
  return true;
}

void LiteralSet::Build() {
  for (std::uint32_t i = 0; i < literals_.size(); ++i) {
    const crypto::SecretBuffer& literal = literals_[i];
    if (literal.size() >= kStride + 3) {
      for (std::uint32_t offset = 0; offset < kStride; ++offset) {
        strided_.Insert(Hash(Load4(literal.data() + offset)), i, offset);
      }
    } else {
      dense_.Insert(Hash(Load4(literal.data())), i, 0);
    }
  }
  strided_.Finish();
  dense_.Finish();
}

void LiteralSet::Probe(const Index& index, std::string_view text, std::size_t pos,
                       std::vector<ByteSpan>& spans) const {
  std::uint32_t hash = Hash(Load4(reinterpret_cast<const unsigned char*>(text.data()) + pos));
  if (!index.MayHold(hash)) return;
  auto range = std::equal_range(index.candidates.begin(), index.candidates.end(),
                                Candidate{hash, 0, 0}, ByHash<Candidate, Candidate>);
  for (auto it = range.first; it != range.second; ++it) {
    if (it->offset > pos) continue;
    std::size_t start = pos - it->offset;
    const crypto::SecretBuffer& literal = literals_[it->index];
    if (literal.size() <= text.size() - start &&
        std::memcmp(literal.data(), text.data() + start, literal.size()) == 0) {
      spans.push_back({start, start + literal.size()});
    }
  }
}

std::vector<ByteSpan> LiteralSet::Find(std::string_view text) const {
  std::vector<ByteSpan> spans;
  if (text.size() < kMinSize) return spans;
  const std::size_t last = text.size() - kMinSize;
  if (!strided_.candidates.empty()) {
    for (std::size_t pos = 0; pos <= last; pos += kStride) Probe(strided_, text, pos, spans);
  }
  if (!dense_.candidates.empty()) {
    for (std::size_t pos = 0; pos <= last; ++pos) Probe(dense_, text, pos, spans);
  }
  return MergeSpans(std::move(spans));
}

}  // namespace aurite::security
