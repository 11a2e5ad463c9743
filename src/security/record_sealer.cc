// Row ids and decoding of the host's sealed records (record_sealer.h).
#include "security/record_sealer.h"

#include "base/text.h"
#include "security/credential_store.h"

namespace aurite::security {
namespace {

constexpr std::size_t kRowIdBytes = 16;

}  // namespace

RecordSealer::RecordSealer(std::string store, HmacSha256 row_mac)
    : store_(std::move(store)), row_mac_(std::move(row_mac)) {}

StatusOr<RecordSealer> RecordSealer::Open(std::string store, std::string_view record_key_token,
                                          const crypto::MultiFernet& fernet) {
  StatusOr<crypto::SecretBuffer> key = fernet.Decrypt(record_key_token);
  if (!key.ok() || key->size() != kRecordKeySize) {
    return DataLossError(store +
                         " is damaged (its record key does not decrypt to a key). It was not "
                         "changed. Restore it from a backup");
  }
  return RecordSealer(std::move(store), HmacSha256(key->bytes()));
}

std::string RecordSealer::RowId(std::string_view kind, std::string_view key) const {
  std::string input;
  input.reserve(kind.size() + 1 + key.size());
  input.append(kind).push_back('\0');
  input.append(key);
  Sha256Digest mac =
      row_mac_.Compute({reinterpret_cast<const unsigned char*>(input.data()), input.size()});
  return HexEncode(std::span<const unsigned char>(mac).first(kRowIdBytes));
}

Status RecordSealer::RecordError(std::string_view kind, const std::string& row_id,
                                 const std::string& why) const {
  return DataLossError(store_ + ": " + std::string(kind) + " record " + row_id + " " + why);
}

}  // namespace aurite::security
