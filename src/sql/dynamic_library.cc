// dlopen/dlsym behind DynamicLibrary, with errors that say what to install.
#include "sql/dynamic_library.h"

#include <dlfcn.h>
#include <fmt/format.h>

namespace aurite::sql {

void DynamicLibrary::Closer::operator()(void* handle) const { dlclose(handle); }

StatusOr<DynamicLibrary> DynamicLibrary::Open(const std::string& soname,
                                              const std::string& package) {
  // RTLD_LOCAL keeps the library's symbols out of the global scope: only
  // the pointers we resolve are used.
  void* handle = dlopen(soname.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
  if (handle == nullptr) {
    const char* reason = dlerror();
    return FailedPreconditionError(
        fmt::format("the client library {} could not be loaded ({}); install the Debian package "
                    "{} (apt-get install {})",
                    soname, reason ? reason : "unknown reason", package, package));
  }
  return DynamicLibrary(std::unique_ptr<void, Closer>(handle), soname, package);
}

StatusOr<void*> DynamicLibrary::Symbol(const char* name) const {
  dlerror();
  void* address = dlsym(handle_.get(), name);
  if (address == nullptr) {
    return FailedPreconditionError(
        fmt::format("the client library {} has no function {}; it is too old: upgrade the Debian "
                    "package {}",
                    soname_, name, package_));
  }
  return address;
}

}  // namespace aurite::sql
