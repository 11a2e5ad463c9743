// Loading libpq and resolving the functions of AURITE_LIBPQ_FUNCTIONS.
#include "sql/libpq_library.h"

namespace aurite::sql {

StatusOr<std::unique_ptr<LibPq>> LoadLibPq(const char* soname) {
  AURITE_ASSIGN_OR_RETURN(DynamicLibrary library, DynamicLibrary::Open(soname, kLibPqPackage));
  auto functions = std::make_unique<LibPq>();
#define AURITE_LIBPQ_RESOLVE(name) AURITE_RETURN_IF_ERROR(library.Resolve(#name, functions->name));
  AURITE_LIBPQ_FUNCTIONS(AURITE_LIBPQ_RESOLVE)
#undef AURITE_LIBPQ_RESOLVE
  return functions;
}

StatusOr<const LibPq*> ProcessLibPq() {
  static const StatusOr<std::unique_ptr<LibPq>> loaded = LoadLibPq();
  if (!loaded.ok()) return loaded.status();
  return loaded->get();
}

}  // namespace aurite::sql
