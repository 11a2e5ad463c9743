// The statement records' ids: each statement's start and end records share
// one id, and no two statements have the same.
#include "host/statement_audit.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <string>

#include "security/audit_log.h"
#include "security/security_manager.h"

namespace aurite::host {
namespace {

TEST(StatementAudit, EveryStatementHasAnIdOfItsOwn) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("aurite-statement-audit-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  security::SecurityManagerOptions options;
  auto log = security::AuditLog::Open(dir / "audit.jsonl");
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  options.audit_log = std::move(log).value();
  auto manager = security::SecurityManager::Create(std::move(options));
  ASSERT_TRUE(manager.ok()) << manager.status().ToString();

  std::set<std::string> ids;
  for (int i = 0; i < 100; ++i) {
    StatementInfo info;
    info.principal = "anonymous";
    info.connection = "ad-hoc";
    info.text = "SELECT 1";
    auto started = BeginStatement(**manager, StatementAudit::kMasked, std::move(info));
    ASSERT_TRUE(started.ok()) << started.status().ToString();
    EXPECT_EQ(started->id.size(), 16u) << started->id;
    EXPECT_EQ(started->id.find_first_not_of("0123456789abcdef"), std::string::npos) << started->id;
    ids.insert(started->id);
  }
  EXPECT_EQ(ids.size(), 100u);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace aurite::host
