// SecretBuffer: the only type that holds secret bytes (keys, passwords,
// connection strings) in this project.
//
// Contract:
//  - Move-only. Copies are explicit (Clone()) so every copy is visible in code.
//  - The bytes live in OpenSSL's secure heap (locked in memory, excluded from
//    core dumps) when the system allows it, and in ordinary heap memory
//    otherwise; failing to lock is not an error.
//  - The bytes are wiped with OPENSSL_cleanse before the memory is released:
//    on destruction, on assignment over an existing value, on Clear() and
//    whenever the buffer grows.
//  - There is no conversion to std::string. Reveal() returns a view for the
//    moment of use; do not store it beyond the buffer's lifetime.
//  - Streaming or fmt-formatting a SecretBuffer prints "[REDACTED]".
#pragma once

#include <fmt/format.h>

#include <cstddef>
#include <ostream>
#include <span>
#include <string>
#include <string_view>

namespace aurite::crypto {

class SecretBuffer {
 public:
  SecretBuffer() = default;
  // A buffer of `size` zero bytes.
  explicit SecretBuffer(std::size_t size);
  // Copies `bytes`. The caller remains responsible for wiping the source.
  static SecretBuffer CopyFrom(std::span<const unsigned char> bytes);
  static SecretBuffer CopyFrom(std::string_view text);
  // Copies `text` and then wipes it (cleanse and clear): for secrets that
  // arrive in a std::string from a parser or a library.
  static SecretBuffer TakeFrom(std::string& text);

  SecretBuffer(SecretBuffer&& other) noexcept;
  SecretBuffer& operator=(SecretBuffer&& other) noexcept;
  SecretBuffer(const SecretBuffer&) = delete;
  SecretBuffer& operator=(const SecretBuffer&) = delete;
  ~SecretBuffer();

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  unsigned char* data() { return data_; }
  const unsigned char* data() const { return data_; }
  std::span<const unsigned char> bytes() const { return {data_, size_}; }
  std::span<unsigned char> mutable_bytes() { return {data_, size_}; }
  // The secret as text, for the moment it is used.
  std::string_view Reveal() const { return {reinterpret_cast<const char*>(data_), size_}; }

  // Appends bytes; growing moves the content to a new block and wipes the old.
  void Append(std::span<const unsigned char> bytes);
  void Append(std::string_view text);
  // Shrinks the visible size to `size` (<= size()), wiping the bytes cut off.
  void Truncate(std::size_t size);
  // Wipes and releases the content.
  void Clear();
  SecretBuffer Clone() const;

  // Constant-time comparison of contents (lengths are not secret).
  bool Equals(const SecretBuffer& other) const;

 private:
  void Reserve(std::size_t capacity);

  unsigned char* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

std::ostream& operator<<(std::ostream& out, const SecretBuffer& secret);

// Test hook: called with each block of secret memory after it has been wiped
// and just before it is released, so tests can observe that it is all zero.
// Pass nullptr to remove the hook. Not for production use.
using WipeObserver = void (*)(const unsigned char* block, std::size_t size);
void SetWipeObserverForTesting(WipeObserver observer);

}  // namespace aurite::crypto

template <>
struct fmt::formatter<aurite::crypto::SecretBuffer> : fmt::formatter<std::string_view> {
  template <typename FormatContext>
  auto format(const aurite::crypto::SecretBuffer&, FormatContext& ctx) const {
    return fmt::formatter<std::string_view>::format("[REDACTED]", ctx);
  }
};
