// Result values from every engine encode to the documented JSON forms.
#include <gtest/gtest.h>

#include "engine_test.h"
#include "sql/value_encoding.h"

namespace aurite::sql::testing {
namespace {

using EncodingTest = EngineTest;

nlohmann::json SelectOne(Connection& connection, const std::string& sql) {
  StatusOr<QueryResult> result = connection.Execute(sql, {}, {});
  EXPECT_TRUE(result.ok()) << sql << ": " << result.status().ToString();
  if (!result.ok() || result->row_count != 1) return "<no row>";
  return result->rows[0][0];
}

TEST_P(EncodingTest, NullIsJsonNull) {
  std::unique_ptr<Connection> connection = Open();
  EXPECT_TRUE(SelectOne(*connection, "SELECT NULL").is_null());
}

TEST_P(EncodingTest, IntegersBeyondTwoToThe53AreStrings) {
  std::unique_ptr<Connection> connection = Open();
  std::string cast = engine() == Engine::kPostgres ? "::bigint" : "";
  EXPECT_EQ(SelectOne(*connection, "SELECT 9007199254740993" + cast), "9007199254740993");
  EXPECT_EQ(SelectOne(*connection, "SELECT -9007199254740993" + cast), "-9007199254740993");
  EXPECT_EQ(SelectOne(*connection, "SELECT 9007199254740992" + cast), 9007199254740992);
  EXPECT_EQ(SelectOne(*connection, "SELECT 42"), 42);
}

TEST_P(EncodingTest, FloatsAreNumbers) {
  std::unique_ptr<Connection> connection = Open();
  std::string sql = engine() == Engine::kMariaDb    ? "SELECT CAST(1.5 AS DOUBLE)"
                    : engine() == Engine::kPostgres ? "SELECT 1.5::float8"
                                                    : "SELECT 1.5";
  nlohmann::json value = SelectOne(*connection, sql);
  ASSERT_TRUE(value.is_number_float()) << value;
  EXPECT_DOUBLE_EQ(value.get<double>(), 1.5);
}

TEST_P(EncodingTest, BooleansAreBooleansWhereTheEngineHasThem) {
  std::unique_ptr<Connection> connection = Open();
  // MariaDB's BOOLEAN is TINYINT(1) and SQLite has no boolean type: both are integers.
  nlohmann::json expected =
      engine() == Engine::kPostgres ? nlohmann::json(true) : nlohmann::json(1);
  EXPECT_EQ(SelectOne(*connection, "SELECT TRUE"), expected);
}

TEST_P(EncodingTest, TimestampsAreIsoText) {
  std::unique_ptr<Connection> connection = Open();
  std::string sql = engine() == Engine::kPostgres ? "SELECT TIMESTAMP '2024-01-02 03:04:05'"
                    : engine() == Engine::kMariaDb
                        ? "SELECT CAST('2024-01-02 03:04:05' AS DATETIME)"
                        : "SELECT datetime('2024-01-02 03:04:05')";
  EXPECT_EQ(SelectOne(*connection, sql), "2024-01-02 03:04:05");
}

TEST_P(EncodingTest, BinaryIsBase64) {
  std::unique_ptr<Connection> connection = Open();
  std::string sql =
      engine() == Engine::kPostgres ? "SELECT '\\x00ff41'::bytea" : "SELECT x'00ff41'";
  EXPECT_EQ(SelectOne(*connection, sql), nlohmann::json::parse(R"({"base64": "AP9B"})"));
}

TEST_P(EncodingTest, BinaryColumnRoundTripsThroughAParameter) {
  std::string type = engine() == Engine::kPostgres  ? "BYTEA"
                     : engine() == Engine::kMariaDb ? "VARBINARY(10)"
                                                    : "BLOB";
  std::string table = NewTable("b " + type);
  Write("INSERT INTO " + table + " VALUES (" +
        (engine() == Engine::kPostgres ? std::string("'\\x000102'::bytea")
                                       : std::string("x'000102'")) +
        ")");
  std::unique_ptr<Connection> connection = Open();
  EXPECT_EQ(SelectOne(*connection, "SELECT b FROM " + table),
            nlohmann::json::parse(R"({"base64": "AAEC"})"));
}

TEST_P(EncodingTest, JsonColumnsAreJsonValues) {
  std::string type = engine() == Engine::kPostgres ? "JSONB" : "JSON";
  std::string table = NewTable("doc " + type);
  Write("INSERT INTO " + table + " VALUES ('{\"a\": [1, 2], \"b\": null}')");
  std::unique_ptr<Connection> connection = Open();
  EXPECT_EQ(SelectOne(*connection, "SELECT doc FROM " + table),
            nlohmann::json::parse(R"({"a": [1, 2], "b": null})"));
}

TEST_P(EncodingTest, Utf8TextIsAString) {
  std::unique_ptr<Connection> connection = Open();
  EXPECT_EQ(SelectOne(*connection, "SELECT 'grüße 😀'"), "grüße 😀");
}

TEST_P(EncodingTest, LongTextAndBinaryParametersRoundTrip) {
  std::string text_type = engine() == Engine::kMariaDb ? "LONGTEXT" : "TEXT";
  std::string blob_type = engine() == Engine::kPostgres ? "BYTEA" : "LONGBLOB";
  std::string table = NewTable("t " + text_type + ", b " + blob_type);
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "abcdé";
  std::string bytes(70000, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 7);
  std::string base64 =
      Base64Encode(std::span(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()));
  Write("INSERT INTO " + table + " VALUES (" + P(1) + ", " + P(2) + ")",
        {text, nlohmann::json({{"base64", base64}})});
  std::unique_ptr<Connection> connection = Open();
  StatusOr<QueryResult> result = connection->Execute("SELECT t, b FROM " + table, {}, {});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->rows[0][0], text);
  EXPECT_EQ(result->rows[0][1], nlohmann::json({{"base64", base64}}));
}

TEST(PostgresEncodingTest, NonUtf8TextIsBase64) {
  // Only a SQL_ASCII database read without conversion hands out bytes that
  // are not UTF-8 (with client_encoding UTF8 the server refuses to send them).
  ConnectionConfig config = ConfigFor(Engine::kPostgres);
  config.database = Databases()["postgres"]["ascii_database"];
  config.options["client_encoding"] = "SQL_ASCII";
  StatusOr<std::unique_ptr<Connection>> connection = OpenConnection(config, {});
  ASSERT_TRUE(connection.ok()) << connection.status().ToString();
  EXPECT_EQ(SelectOne(**connection, "SELECT convert_from('\\x61ff62'::bytea, 'SQL_ASCII')"),
            nlohmann::json::parse(R"({"base64": "Yf9i"})"));
}

// Runs `sql` as rows of values and as rows of text (QueryLimits::rows_as_text,
// what the SQL server sends) and expects the same values both ways.
void ExpectTextRowsAgree(Connection& connection, const std::string& sql) {
  StatusOr<QueryResult> tree = connection.Execute(sql, {}, {});
  StatusOr<QueryResult> text = connection.Execute(sql, {}, {1000, 4 << 20, true});
  ASSERT_TRUE(tree.ok()) << tree.status().ToString();
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_TRUE(text->rows.empty());
  EXPECT_EQ(text->row_count, tree->row_count);
  EXPECT_EQ(nlohmann::json::parse(text->rows_text), tree->rows) << text->rows_text;
}

TEST(PostgresEncodingTest, TextRowsAgreeWithTreeRowsForEveryKindOfValue) {
  StatusOr<std::unique_ptr<Connection>> connection =
      OpenConnection(ConfigFor(Engine::kPostgres), {});
  ASSERT_TRUE(connection.ok()) << connection.status().ToString();
  ExpectTextRowsAgree(
      **connection,
      "SELECT NULL::int, 42::int2, -7::int4, 9007199254740993::int8, 26::oid, true, false, "
      "0.25::float8, 2500::float8, 0.1::float4, 'NaN'::float8, '-Infinity'::float8, "
      "1e20::float8, '-0'::float8, 1.5e-7::float8, 0.0001::float8, 1e15::float8, "
      "123456789.123456789::float8, 0.1::float8 + 0.2::float8, "
      "12345678901234567890.123456789::numeric, timestamp '2024-01-01 00:01:00', "
      "timestamptz '2024-01-01 00:01:00+02', date '2024-02-29', '\\x00ff10'::bytea, "
      "'{\"b\": [1, 2.5, null], \"a\": \"\u00e9\"}'::jsonb, '[1, {\"x\": true}]'::json, "
      "E'quote \" backslash \\\\ tab \\t nl \\n ctl \\x01 grüße 😀', "
      "'11111111-2222-3333-4444-555555555555'::uuid, interval '1 day 2 hours'");
  // Many rows, as the server streams them.
  ExpectTextRowsAgree(**connection,
                      "SELECT i, 'item-' || i, i * 0.25, NULL FROM generate_series(1, 2000) AS i");
}

TEST(PostgresEncodingTest, NonUtf8TextRowsAgreeWithTreeRows) {
  ConnectionConfig config = ConfigFor(Engine::kPostgres);
  config.database = Databases()["postgres"]["ascii_database"];
  config.options["client_encoding"] = "SQL_ASCII";
  StatusOr<std::unique_ptr<Connection>> connection = OpenConnection(config, {});
  ASSERT_TRUE(connection.ok()) << connection.status().ToString();
  ExpectTextRowsAgree(**connection, "SELECT convert_from('\\x61ff62'::bytea, 'SQL_ASCII'), 'ok'");
}

TEST(SqliteEncodingTest, NonUtf8TextIsBase64) {
  ConnectionConfig config = ConfigFor(Engine::kSqlite, ":memory:");
  StatusOr<std::unique_ptr<Connection>> connection = OpenConnection(config, {});
  ASSERT_TRUE(connection.ok()) << connection.status().ToString();
  StatusOr<QueryResult> result = (*connection)->Execute("SELECT CAST(x'61ff62' AS TEXT)", {}, {});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->rows[0][0], nlohmann::json::parse(R"({"base64": "Yf9i"})"));
}

TEST(MariaDbEncodingTest, Latin1TextIsTranscodedToUtf8) {
  StatusOr<std::unique_ptr<Connection>> connection =
      OpenConnection(ConfigFor(Engine::kMariaDb), {});
  ASSERT_TRUE(connection.ok()) << connection.status().ToString();
  EXPECT_EQ(SelectOne(**connection, "SELECT CONVERT(x'e9' USING latin1)"), "é");
}

TEST(MariaDbEncodingTest, UnsignedBigintsBeyondTwoToThe53AreStrings) {
  StatusOr<std::unique_ptr<Connection>> connection =
      OpenConnection(ConfigFor(Engine::kMariaDb), {});
  ASSERT_TRUE(connection.ok()) << connection.status().ToString();
  EXPECT_EQ(SelectOne(**connection, "SELECT CAST(18446744073709551615 AS UNSIGNED)"),
            "18446744073709551615");
  EXPECT_EQ(SelectOne(**connection, "SELECT CAST(7 AS UNSIGNED)"), 7);
}

TEST(MariaDbEncodingTest, NonUtf8TextIsBase64) {
  // With a latin1 session the server sends latin1 bytes, which are not UTF-8.
  ConnectionConfig config = ConfigFor(Engine::kMariaDb);
  config.options["charset"] = "latin1";
  StatusOr<std::unique_ptr<Connection>> connection = OpenConnection(config, {});
  ASSERT_TRUE(connection.ok()) << connection.status().ToString();
  EXPECT_EQ(SelectOne(**connection, "SELECT CONVERT(x'61e962' USING latin1)"),
            nlohmann::json::parse(R"({"base64": "Yeli"})"));
}

INSTANTIATE_TEST_SUITE_P(Engines, EncodingTest, AURITE_ALL_ENGINES);

// SQLite has no exact numeric type.
class ServerEncodingTest : public EngineTest {};

TEST_P(ServerEncodingTest, ExactNumericsAreDecimalStrings) {
  std::unique_ptr<Connection> connection = Open();
  std::string sql = engine() == Engine::kPostgres
                        ? "SELECT 12345678901234567890.123456789::numeric"
                        : "SELECT CAST(12345678901234567890.123456789 AS DECIMAL(30, 9))";
  EXPECT_EQ(SelectOne(*connection, sql), "12345678901234567890.123456789");
}

INSTANTIATE_TEST_SUITE_P(Servers, ServerEncodingTest,
                         ::testing::Values(Engine::kPostgres, Engine::kMariaDb), EngineParamName);

}  // namespace
}  // namespace aurite::sql::testing
