// Tests of lease and rotation records: ids, bounds and the encoded form,
// including encodings that are cut short, forged or of another kind.
#include "security/lease_records.h"

#include <gtest/gtest.h>

#include <set>

#include "security/record_codec.h"

namespace aurite::security {
namespace {

using crypto::SecretBuffer;

LeaseRecord ValidLease() {
  LeaseRecord lease;
  lease.lease_id = NewLeaseId();
  lease.connection = "orders";
  lease.engine = "mariadb";
  lease.user_name = "aurite_orders_x1";
  lease.host_instance = NewHostInstanceId();
  return lease;
}

std::span<const unsigned char> Bytes(const SecretBuffer& buffer) { return buffer.bytes(); }

TEST(LeaseRecordsTest, IdsAre128RandomBitsInHex) {
  std::set<std::string> ids;
  for (int i = 0; i < 100; ++i) {
    std::string id = NewLeaseId();
    EXPECT_TRUE(IsLeaseId(id)) << id;
    EXPECT_EQ(id.size(), 32u);
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 100u);
  EXPECT_TRUE(IsLeaseId(NewHostInstanceId()));
  EXPECT_FALSE(IsLeaseId("ABCDEF0123456789abcdef0123456789"));
  EXPECT_FALSE(IsLeaseId("abc"));
  EXPECT_FALSE(IsLeaseId(std::string(32, 'g')));
}

TEST(LeaseRecordsTest, ABadLeaseIdIsRefusedWithoutEchoingIt) {
  LeaseRecord lease = ValidLease();
  lease.lease_id = "p@ssword-not-an-id";
  Status status = ValidateLease(lease);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message().find("p@ss"), std::string::npos);
}

TEST(LeaseRecordsTest, RequiredFieldsAndTimesAreChecked) {
  EXPECT_TRUE(ValidateLease(ValidLease()).ok());
  LeaseRecord lease = ValidLease();
  lease.user_name.clear();
  EXPECT_NE(ValidateLease(lease).message().find("user_name is empty"), std::string::npos);
  lease = ValidLease();
  lease.host_instance.clear();
  EXPECT_FALSE(ValidateLease(lease).ok());
  lease = ValidLease();
  lease.expires_at = -1;
  EXPECT_NE(ValidateLease(lease).message().find("expires_at is negative"), std::string::npos);

  RotationRecord rotation;
  rotation.connection = "orders";
  rotation.username = "app";
  EXPECT_NE(ValidateRotation(rotation).message().find("neither a current nor a pending"),
            std::string::npos);
  rotation.pending_password = SecretBuffer();
  EXPECT_NE(ValidateRotation(rotation).message().find("pending password is empty"),
            std::string::npos);
  rotation.pending_password = SecretBuffer::CopyFrom("new");
  EXPECT_TRUE(ValidateRotation(rotation).ok());
}

TEST(LeaseRecordsTest, VaultLeasesKeepPathAndLeaseIdAndMayLackAUserAtFirst) {
  LeaseRecord lease = ValidLease();
  lease.user_name.clear();
  lease.vault_path = "database/creds/app";
  EXPECT_TRUE(ValidateLease(lease).ok()) << "recorded before Vault names the user";
  lease.user_name = "v-token-app-x";
  lease.vault_lease_id = "database/creds/app/AbCdEf";
  auto encoded = EncodeLease(lease);
  ASSERT_TRUE(encoded.ok()) << encoded.status().ToString();
  auto decoded = DecodeLease(Bytes(*encoded));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->vault_path, "database/creds/app");
  EXPECT_EQ(decoded->vault_lease_id, "database/creds/app/AbCdEf");
  EXPECT_EQ(decoded->user_name, "v-token-app-x");

  // A lease of mode "dynamic" is encoded as before these fields existed.
  auto plain = EncodeLease(ValidLease());
  ASSERT_TRUE(plain.ok());
  auto reread = DecodeLease(Bytes(*plain));
  ASSERT_TRUE(reread.ok()) << reread.status().ToString();
  EXPECT_TRUE(reread->vault_path.empty());
  EXPECT_TRUE(reread->vault_lease_id.empty());
  EXPECT_LT(plain->size(), encoded->size());
}

TEST(LeaseRecordsTest, BoundedTextIsCutAtACharacterBoundary) {
  EXPECT_EQ(BoundedRecordText("short"), "short");
  std::string exact(kMaxRecordField, 'a');
  EXPECT_EQ(BoundedRecordText(exact), exact);
  // "ü" is two bytes; put one across the limit.
  std::string text(kMaxRecordField - 1, 'a');
  text += "\xc3\xbc tail";
  std::string cut = BoundedRecordText(text);
  EXPECT_EQ(cut.size(), kMaxRecordField - 1);
  EXPECT_EQ(cut, std::string(kMaxRecordField - 1, 'a'));
}

TEST(LeaseRecordsTest, EncodedLeasesAndRotationsRoundTrip) {
  LeaseRecord lease = ValidLease();
  lease.state = LeaseState::kRevoking;
  lease.revoke_attempts = 4'000'000'000u;
  lease.next_attempt_at = 1;
  lease.last_error = std::string("nul\0inside", 10);
  auto encoded = EncodeLease(lease);
  ASSERT_TRUE(encoded.ok());
  auto decoded = DecodeLease(Bytes(*encoded));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->lease_id, lease.lease_id);
  EXPECT_EQ(decoded->state, LeaseState::kRevoking);
  EXPECT_EQ(decoded->revoke_attempts, 4'000'000'000u);
  EXPECT_EQ(decoded->last_error, lease.last_error);
  EXPECT_EQ(LeaseStateName(decoded->state), "revoking");

  RotationRecord rotation;
  rotation.connection = "orders";
  rotation.username = "app";
  rotation.current_password = SecretBuffer::CopyFrom(std::string("pw\0with nul", 11));
  auto sealed = EncodeRotation(rotation);
  ASSERT_TRUE(sealed.ok());
  auto opened = DecodeRotation(Bytes(*sealed));
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(opened->current_password.Reveal(), rotation.current_password.Reveal());
  EXPECT_FALSE(opened->pending_password.has_value());
  // One kind does not decode as the other.
  EXPECT_FALSE(DecodeLease(Bytes(*sealed)).ok());
  EXPECT_FALSE(DecodeRotation(Bytes(*encoded)).ok());
}

TEST(LeaseRecordsTest, EveryTruncationOfAnEncodedLeaseIsRefused) {
  auto encoded = EncodeLease(ValidLease());
  ASSERT_TRUE(encoded.ok());
  std::span<const unsigned char> bytes = Bytes(*encoded);
  for (std::size_t size = 0; size < bytes.size(); ++size) {
    EXPECT_FALSE(DecodeLease(bytes.first(size)).ok()) << size;
  }
}

TEST(LeaseRecordsTest, ForgedEncodingsAreRefused) {
  LeaseRecord lease = ValidLease();
  auto with = [&](auto&& add, std::int64_t state = 0) {
    RecordWriter writer('L', 1);
    writer.Text(1, lease.lease_id);
    writer.Text(2, lease.connection);
    writer.Text(3, lease.engine);
    writer.Text(4, lease.user_name);
    for (std::uint8_t tag : {5, 6, 7, 9, 10}) writer.Int(tag, 0);
    writer.Int(8, state);
    writer.Text(11, "");
    writer.Text(12, lease.host_instance);
    add(writer);
    return writer.Finish();
  };
  EXPECT_TRUE(DecodeLease(Bytes(with([](RecordWriter&) {}))).ok());
  auto repeated = DecodeLease(Bytes(with([](RecordWriter& w) { w.Text(4, "other"); })));
  EXPECT_NE(repeated.status().message().find("field 4 repeats"), std::string::npos);
  auto unknown = DecodeLease(Bytes(with([](RecordWriter& w) { w.Text(99, "x"); })));
  EXPECT_NE(unknown.status().message().find("unknown field 99"), std::string::npos);
  auto state = DecodeLease(Bytes(with([](RecordWriter&) {}, 2)));
  EXPECT_NE(state.status().message().find("unknown state"), std::string::npos);

  RecordWriter huge('L', 1);
  huge.Text(4, std::string(kMaxRecordField + 1, 'u'));
  EXPECT_FALSE(DecodeLease(Bytes(huge.Finish())).ok());

  RecordWriter newer('L', 2);
  auto version = DecodeLease(Bytes(newer.Finish()));
  EXPECT_NE(version.status().message().find("format version 2"), std::string::npos);

  // A length that claims more bytes than there are.
  SecretBuffer lying = with([](RecordWriter&) {});
  const unsigned char field[] = {4, 0xff, 0xff, 0xff, 0xff, 'x'};
  lying.Append(field);
  auto past = DecodeLease(Bytes(lying));
  EXPECT_NE(past.status().message().find("runs past the end"), std::string::npos);
}

TEST(LeaseRecordsTest, ClonedRotationsOwnTheirPasswords) {
  RotationRecord rotation;
  rotation.connection = "c";
  rotation.username = "u";
  rotation.current_password = SecretBuffer::CopyFrom("current");
  rotation.pending_password = SecretBuffer::CopyFrom("pending");
  rotation.pending_since = 9;
  RotationRecord copy = rotation.Clone();
  rotation.current_password.Clear();
  rotation.pending_password->Clear();
  EXPECT_EQ(copy.current_password.Reveal(), "current");
  EXPECT_EQ(copy.pending_password->Reveal(), "pending");
  EXPECT_EQ(copy.pending_since, 9);
}

}  // namespace
}  // namespace aurite::security
