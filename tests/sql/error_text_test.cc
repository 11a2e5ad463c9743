// Scrubbing secrets, whole or in fragments, from client-library error text.
#include "sql/error_text.h"

#include <gtest/gtest.h>

namespace aurite::sql {
namespace {

TEST(ErrorTextTest, ScrubSecretRemovesEveryOccurrence) {
  EXPECT_EQ(ScrubSecret("pw and pw\n", "pw"), "**** and ****");
  EXPECT_EQ(ScrubSecret("nothing", ""), "nothing");
}

// Found by fuzz/connection_string_fuzz: a password of asterisks was found
// again in its own mask, and scrubbing never ended.
TEST(ErrorTextTest, ScrubSecretEndsForAPasswordOfAsterisks) {
  EXPECT_EQ(ScrubSecret("user app:**** failed", "****"), "user app:**** failed");
  EXPECT_EQ(ScrubSecret("a * b ** c", "*"), "a **** b ******** c");
  EXPECT_EQ(ScrubSecret("x **", "**"), "x ****");
}

TEST(ErrorTextTest, ScrubSecretFragmentsRemovesRunsOfTheSecret) {
  const std::string secret = "Xq7rT2mK9pLw";
  // MariaDB quotes 80 bytes from the error: the password may be cut.
  EXPECT_EQ(ScrubSecretFragments("near 'IDENTIFIED BY 'Xq7rT2' at line 1", secret, 4),
            "near 'IDENTIFIED BY '****' at line 1");
  EXPECT_EQ(ScrubSecretFragments("near '" + secret + "' and 'mK9pLw'", secret, 4),
            "near '****' and '****'");
  // Runs shorter than the minimum stay.
  EXPECT_EQ(ScrubSecretFragments("Xq7 near T2m", secret, 4), "Xq7 near T2m");
  EXPECT_EQ(ScrubSecretFragments("short pw", "pw", 4), "short ****");
  EXPECT_EQ(ScrubSecretFragments("", secret, 4), "");
}

}  // namespace
}  // namespace aurite::sql
