// RAII owners for the OpenSSL handles the crypto layer uses.
#pragma once

#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>
#include <memory>

namespace aurite::crypto {

// For an OpenSSL call that cannot fail short of memory exhaustion or a
// broken OpenSSL: going on with a wrong MAC or signature would be worse than
// stopping. `what` names the call, never data.
[[noreturn]] inline void OpenSslFailure(const char* what) {
  std::fprintf(stderr, "aurite: OpenSSL failure in %s; stopping\n", what);
  std::abort();
}

struct CipherCtxDeleter {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
struct MacCtxDeleter {
  void operator()(EVP_MAC_CTX* ctx) const { EVP_MAC_CTX_free(ctx); }
};
struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter>;
using MacCtx = std::unique_ptr<EVP_MAC_CTX, MacCtxDeleter>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

}  // namespace aurite::crypto
