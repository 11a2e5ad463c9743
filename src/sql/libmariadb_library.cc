// Loading libmariadb and resolving the functions of AURITE_LIBMARIADB_FUNCTIONS.
#include "sql/libmariadb_library.h"

namespace aurite::sql {

StatusOr<std::unique_ptr<LibMariaDb>> LoadLibMariaDb(const char* soname) {
  AURITE_ASSIGN_OR_RETURN(DynamicLibrary library, DynamicLibrary::Open(soname, kLibMariaDbPackage));
  auto functions = std::make_unique<LibMariaDb>();
#define AURITE_LIBMARIADB_RESOLVE(name) \
  AURITE_RETURN_IF_ERROR(library.Resolve(#name, functions->name));
  AURITE_LIBMARIADB_FUNCTIONS(AURITE_LIBMARIADB_RESOLVE)
#undef AURITE_LIBMARIADB_RESOLVE
  return functions;
}

StatusOr<const LibMariaDb*> ProcessLibMariaDb() {
  static const StatusOr<std::unique_ptr<LibMariaDb>> loaded = LoadLibMariaDb();
  if (!loaded.ok()) return loaded.status();
  return loaded->get();
}

}  // namespace aurite::sql
