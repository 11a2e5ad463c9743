// A client library opened at run time (dlopen) rather than linked: the
// database drivers load their engine's library, and its whole dependency
// tree (Kerberos, LDAP, GnuTLS, ...), only when the first connection to that
// engine opens, so a process that never talks to an engine never maps it.
#pragma once

#include <memory>
#include <string>

#include "base/status.h"

namespace aurite::sql {

class DynamicLibrary {
 public:
  // Opens `soname` (e.g. "libpq.so.5"). On failure the error names the
  // library, the loader's reason, and the Debian `package` that provides it.
  // The library stays mapped for the life of the process (RTLD_NODELETE), so
  // function pointers taken from it never dangle.
  static StatusOr<DynamicLibrary> Open(const std::string& soname, const std::string& package);

  // The address of the function `name`, or an error naming it and the library.
  StatusOr<void*> Symbol(const char* name) const;

  // Stores the function `name` in `function`, typed.
  template <typename Function>
  Status Resolve(const char* name, Function& function) const {
    AURITE_ASSIGN_OR_RETURN(void* address, Symbol(name));
    function = reinterpret_cast<Function>(address);
    return OkStatus();
  }

 private:
  struct Closer {
    void operator()(void* handle) const;
  };
  DynamicLibrary(std::unique_ptr<void, Closer> handle, std::string soname, std::string package)
      : handle_(std::move(handle)), soname_(std::move(soname)), package_(std::move(package)) {}

  std::unique_ptr<void, Closer> handle_;
  std::string soname_;
  std::string package_;
};

}  // namespace aurite::sql
