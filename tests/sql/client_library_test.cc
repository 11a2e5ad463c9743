// The run-time loaders of libpq and libmariadb: they resolve every function
// the drivers use, and a missing library or function is an error that names
// it and the Debian package to install.
#include <gtest/gtest.h>

#include "sql/dynamic_library.h"
#include "sql/libmariadb_library.h"
#include "sql/libpq_library.h"

namespace aurite::sql {
namespace {

TEST(ClientLibraryTest, LibPqResolvesEveryListedFunction) {
  StatusOr<std::unique_ptr<LibPq>> loaded = LoadFunctionTable<LibPq>();
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
#define AURITE_EXPECT_RESOLVED(name) EXPECT_NE((*loaded)->name, nullptr) << #name;
  AURITE_LIBPQ_FUNCTIONS(AURITE_EXPECT_RESOLVED)
#undef AURITE_EXPECT_RESOLVED
}

TEST(ClientLibraryTest, LibMariaDbResolvesEveryListedFunction) {
  StatusOr<std::unique_ptr<LibMariaDb>> loaded = LoadFunctionTable<LibMariaDb>();
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
#define AURITE_EXPECT_RESOLVED(name) EXPECT_NE((*loaded)->name, nullptr) << #name;
  AURITE_LIBMARIADB_FUNCTIONS(AURITE_EXPECT_RESOLVED)
#undef AURITE_EXPECT_RESOLVED
}

TEST(ClientLibraryTest, AMissingLibPqNamesTheLibraryAndThePackage) {
  StatusOr<std::unique_ptr<LibPq>> loaded = LoadFunctionTable<LibPq>("libpq-aurite-missing.so.5");
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(loaded.status().message().find("libpq-aurite-missing.so.5"), std::string::npos)
      << loaded.status().message();
  EXPECT_NE(loaded.status().message().find("apt-get install libpq5"), std::string::npos)
      << loaded.status().message();
}

TEST(ClientLibraryTest, AMissingLibMariaDbNamesTheLibraryAndThePackage) {
  StatusOr<std::unique_ptr<LibMariaDb>> loaded =
      LoadFunctionTable<LibMariaDb>("libmariadb-aurite-missing.so.3");
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find("libmariadb-aurite-missing.so.3"), std::string::npos)
      << loaded.status().message();
  EXPECT_NE(loaded.status().message().find("apt-get install libmariadb3"), std::string::npos)
      << loaded.status().message();
}

TEST(ClientLibraryTest, AMissingFunctionNamesItAndThePackage) {
  StatusOr<DynamicLibrary> library = DynamicLibrary::Open(kLibPqSoname, kLibPqPackage);
  ASSERT_TRUE(library.ok()) << library.status().ToString();
  StatusOr<void*> symbol = library->Symbol("PQauriteDoesNotExist");
  ASSERT_FALSE(symbol.ok());
  EXPECT_NE(symbol.status().message().find("PQauriteDoesNotExist"), std::string::npos);
  EXPECT_NE(symbol.status().message().find("libpq5"), std::string::npos);
}

TEST(ClientLibraryTest, AWrongLibraryIsRefusedForMissingFunctions) {
  // libmariadb exists but has none of libpq's functions.
  StatusOr<std::unique_ptr<LibPq>> loaded = LoadFunctionTable<LibPq>(kLibMariaDbSoname);
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find("has no function PQ"), std::string::npos)
      << loaded.status().message();
}

}  // namespace
}  // namespace aurite::sql
