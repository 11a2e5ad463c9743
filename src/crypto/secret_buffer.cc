// SecretBuffer storage: OpenSSL's secure heap when available, wiped on release.
#include "crypto/secret_buffer.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <new>
#include <utility>

namespace aurite::crypto {
namespace {

// The arena is locked, so it is resident in every process whether used or
// not. Secrets take at most kSecretsShare of it: 64 KiB holds about a
// thousand passwords, keys or connection strings (blocks are powers of two
// of at least 32 bytes); beyond it allocations fall back to the ordinary
// heap (still wiped, just not locked). The rest is OpenSSL's, which has no
// fallback: each thread that draws random numbers keeps its generator
// there (256 bytes), and seeds pass through it. With the arena full,
// RAND_bytes fails and FillRandom stops the process, as 64 HTTP clients
// opening sessions at once showed; 192 KiB serve 768 such threads, more
// than the HTTP server's default 512 connections.
constexpr std::size_t kSecureHeapSize = 256 * 1024;
constexpr std::size_t kSecretsShare = 64 * 1024;
constexpr std::size_t kSecureHeapMinBlock = 32;

std::atomic<WipeObserver> wipe_observer{nullptr};
// Bytes of the arena SecretBuffers hold.
std::atomic<std::size_t> secrets_in_arena{0};

void InitSecureHeapOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (CRYPTO_secure_malloc_initialized() == 0) {
      // Returns 0 when the arena cannot be set up at all (e.g. the mlock
      // limit is too low); allocation then falls back to the normal heap.
      (void)CRYPTO_secure_malloc_init(kSecureHeapSize, kSecureHeapMinBlock);
    }
  });
}

unsigned char* Allocate(std::size_t size) {
  InitSecureHeapOnce();
  // Approximate under concurrency (threads may pass the check together):
  // by a few blocks, which OpenSSL's share absorbs.
  void* block = nullptr;
  if (secrets_in_arena.load() + size <= kSecretsShare) {
    block = OPENSSL_secure_zalloc(size);
    if (block != nullptr) secrets_in_arena += CRYPTO_secure_actual_size(block);
  }
  if (block == nullptr) block = OPENSSL_zalloc(size);
  if (block == nullptr) throw std::bad_alloc();
  return static_cast<unsigned char*>(block);
}

void WipeAndRelease(unsigned char* block, std::size_t size) {
  if (block == nullptr) return;
  OPENSSL_cleanse(block, size);
  if (WipeObserver observer = wipe_observer.load()) observer(block, size);
  if (CRYPTO_secure_allocated(block)) {
    secrets_in_arena -= CRYPTO_secure_actual_size(block);
    OPENSSL_secure_free(block);
  } else {
    OPENSSL_free(block);
  }
}

}  // namespace

void SetWipeObserverForTesting(WipeObserver observer) { wipe_observer.store(observer); }

SecretBuffer::SecretBuffer(std::size_t size) {
  Reserve(size);
  size_ = size;
}

SecretBuffer SecretBuffer::CopyFrom(std::span<const unsigned char> bytes) {
  SecretBuffer secret;
  secret.Append(bytes);
  return secret;
}

SecretBuffer SecretBuffer::CopyFrom(std::string_view text) {
  SecretBuffer secret;
  secret.Append(text);
  return secret;
}

SecretBuffer SecretBuffer::TakeFrom(std::string& text) {
  SecretBuffer secret = CopyFrom(std::string_view(text));
  // Wipe the whole allocation, not only size(): earlier, longer contents may
  // still sit beyond the current end.
  text.resize(text.capacity());
  OPENSSL_cleanse(text.data(), text.size());
  text.clear();
  return secret;
}

SecretBuffer::SecretBuffer(SecretBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      capacity_(std::exchange(other.capacity_, 0)) {}

SecretBuffer& SecretBuffer::operator=(SecretBuffer&& other) noexcept {
  if (this != &other) {
    Clear();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    capacity_ = std::exchange(other.capacity_, 0);
  }
  return *this;
}

SecretBuffer::~SecretBuffer() { Clear(); }

void SecretBuffer::Reserve(std::size_t capacity) {
  if (capacity <= capacity_) return;
  // Allocate at least one byte so data() is never null for a sized buffer.
  unsigned char* block = Allocate(std::max<std::size_t>(capacity, 1));
  if (size_ > 0) std::memcpy(block, data_, size_);
  WipeAndRelease(data_, capacity_);
  data_ = block;
  capacity_ = std::max<std::size_t>(capacity, 1);
}

void SecretBuffer::Append(std::span<const unsigned char> bytes) {
  if (bytes.empty()) return;
  if (size_ + bytes.size() > capacity_) Reserve(std::max(size_ + bytes.size(), capacity_ * 2));
  std::memcpy(data_ + size_, bytes.data(), bytes.size());
  size_ += bytes.size();
}

void SecretBuffer::Append(std::string_view text) {
  Append(std::span(reinterpret_cast<const unsigned char*>(text.data()), text.size()));
}

void SecretBuffer::Truncate(std::size_t size) {
  if (size >= size_) return;
  OPENSSL_cleanse(data_ + size, size_ - size);
  size_ = size;
}

void SecretBuffer::Clear() {
  WipeAndRelease(data_, capacity_);
  data_ = nullptr;
  size_ = 0;
  capacity_ = 0;
}

SecretBuffer SecretBuffer::Clone() const { return CopyFrom(bytes()); }

bool SecretBuffer::Equals(const SecretBuffer& other) const {
  if (size_ != other.size_) return false;
  return size_ == 0 || CRYPTO_memcmp(data_, other.data_, size_) == 0;
}

std::ostream& operator<<(std::ostream& out, const SecretBuffer&) { return out << "[REDACTED]"; }

}  // namespace aurite::crypto
