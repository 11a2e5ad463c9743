// WipingAllocator: a standard allocator that cleanses every block before it
// releases it, for library containers that hold secret bytes in memory we
// do not allocate ourselves (Beast's header fields and read buffers, say).
// Growing such a container frees the old block through the allocator too,
// so no copy is left behind unwiped.
#pragma once

#include <openssl/crypto.h>

#include <cstddef>
#include <memory>

namespace aurite::crypto {

template <class T>
struct WipingAllocator {
  using value_type = T;
  WipingAllocator() = default;
  template <class U>
  WipingAllocator(const WipingAllocator<U>&) {}  // NOLINT: rebinding is implicit
  T* allocate(std::size_t n) { return std::allocator<T>().allocate(n); }
  void deallocate(T* p, std::size_t n) {
    OPENSSL_cleanse(p, n * sizeof(T));
    std::allocator<T>().deallocate(p, n);
  }
  template <class U>
  bool operator==(const WipingAllocator<U>&) const {
    return true;
  }
};

}  // namespace aurite::crypto
