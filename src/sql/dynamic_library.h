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

// A function table is a struct of typed pointers to a library's functions,
// built from an X-macro list of their names:
//
//   #define AURITE_LIBFOO_FUNCTIONS(X) X(foo_open) X(foo_close)
//   struct LibFoo {
//     static constexpr const char* kSoname = "libfoo.so.1";
//     static constexpr const char* kPackage = "libfoo1";  // the Debian package
//     AURITE_FUNCTION_TABLE(AURITE_LIBFOO_FUNCTIONS)
//   };
//
// AURITE_FUNCTION_TABLE declares a member per function, typed as the
// library's header declares it, and `Status Resolve(const DynamicLibrary&)`,
// which fills them all or names the first one missing.
#define AURITE_FUNCTION_TABLE_MEMBER(name) decltype(&::name) name = nullptr;
#define AURITE_FUNCTION_TABLE_RESOLVE(name) \
  AURITE_RETURN_IF_ERROR(library.Resolve(#name, this->name));
#define AURITE_FUNCTION_TABLE(FUNCTIONS)                                   \
  FUNCTIONS(AURITE_FUNCTION_TABLE_MEMBER)                                  \
  ::aurite::Status Resolve(const ::aurite::sql::DynamicLibrary& library) { \
    FUNCTIONS(AURITE_FUNCTION_TABLE_RESOLVE)                               \
    return ::aurite::OkStatus();                                           \
  }

// Opens `soname` and resolves every function of the Table; the library stays
// mapped for the life of the process. An error says which library or
// function is missing and which package (Table::kPackage) to install.
template <typename Table>
StatusOr<std::unique_ptr<Table>> LoadFunctionTable(const char* soname = Table::kSoname) {
  AURITE_ASSIGN_OR_RETURN(DynamicLibrary library, DynamicLibrary::Open(soname, Table::kPackage));
  auto table = std::make_unique<Table>();
  AURITE_RETURN_IF_ERROR(table->Resolve(library));
  return table;
}

// The process's Table, loaded from Table::kSoname by the first call; later
// calls return the same outcome (after a failure: install the package,
// restart the process). Thread-safe.
template <typename Table>
StatusOr<const Table*> ProcessFunctionTable() {
  static const StatusOr<std::unique_ptr<Table>> loaded = LoadFunctionTable<Table>();
  if (!loaded.ok()) return loaded.status();
  return loaded->get();
}

// The process's Table, for code that runs only after ProcessFunctionTable()
// succeeded (a driver's calls on a connection it opened).
template <typename Table>
const Table& LoadedFunctionTable() {
  static const Table* const table = *ProcessFunctionTable<Table>();
  return *table;
}

// The deleter of a std::unique_ptr to an object a library hands out: it
// calls the function `release` of the process's table (LoadedFunctionTable),
// e.g. FunctionTableDeleter<&LibPq::PQclear> for a PGresult.
template <auto release>
struct FunctionTableDeleter {
  template <typename Table, typename Function>
  static Table TableOf(Function Table::*);

  template <typename Object>
  void operator()(Object* object) const {
    using Table = decltype(TableOf(release));
    (LoadedFunctionTable<Table>().*release)(object);
  }
};

}  // namespace aurite::sql
