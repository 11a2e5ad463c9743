// Table-driven tests of connection-string masking across every supported form.
#include "security/masking.h"

#include <gtest/gtest.h>

#include <string>

namespace aurite::security {
namespace {

struct MaskCase {
  const char* name;
  std::string input;
  std::string expected;
  // The secret that must not survive masking, in the form it appears.
  std::string secret;
};

// The canary: every character the issue names, plus a space and non-ASCII.
const std::string kRaw = "p@ss:w/rd;'\"}%=&#+ ü";
const std::string kPercent = "p%40ss%3Aw%2Frd%3B%27%22%7D%25%3D%26%23%2B%20%C3%BC";

std::vector<MaskCase> Cases() {
  return {
      // URIs, percent-encoded passwords.
      {"postgres", "postgres://alice:" + kPercent + "@db.example.com:5432/app",
       "postgres://alice:****@db.example.com:5432/app", kPercent},
      {"postgresql", "postgresql://alice:" + kPercent + "@localhost/app?sslmode=require",
       "postgresql://alice:****@localhost/app?sslmode=require", kPercent},
      {"mysql", "mysql://root:" + kPercent + "@127.0.0.1:3306/shop",
       "mysql://root:****@127.0.0.1:3306/shop", kPercent},
      {"mariadb", "mariadb://u:" + kPercent + "@h/db", "mariadb://u:****@h/db", kPercent},
      {"mssql", "mssql://sa:" + kPercent + "@sql.local:1433/master",
       "mssql://sa:****@sql.local:1433/master", kPercent},
      {"sqlserver", "sqlserver://sa:" + kPercent + "@sql.local", "sqlserver://sa:****@sql.local",
       kPercent},
      {"oracle", "oracle://scott:" + kPercent + "@ora:1521/XE", "oracle://scott:****@ora:1521/XE",
       kPercent},
      {"mongodb", "mongodb://u:" + kPercent + "@h1:27017,h2:27017/db?replicaSet=rs0",
       "mongodb://u:****@h1:27017,h2:27017/db?replicaSet=rs0", kPercent},
      {"mongodb_srv", "mongodb+srv://u:" + kPercent + "@cluster0.x.mongodb.net/db?authSource=admin",
       "mongodb+srv://u:****@cluster0.x.mongodb.net/db?authSource=admin", kPercent},
      {"redis", "redis://default:" + kPercent + "@cache:6379/0",
       "redis://default:****@cache:6379/0", kPercent},
      {"redis_password_only", "redis://:" + kPercent + "@cache:6379", "redis://:****@cache:6379",
       kPercent},
      {"rediss", "rediss://u:" + kPercent + "@cache:6380", "rediss://u:****@cache:6380", kPercent},
      {"amqp", "amqp://guest:" + kPercent + "@rabbit:5672/vhost",
       "amqp://guest:****@rabbit:5672/vhost", kPercent},
      {"amqps", "amqps://guest:" + kPercent + "@rabbit/", "amqps://guest:****@rabbit/", kPercent},
      {"https_basic", "https://bob:" + kPercent + "@api.example.com/v1",
       "https://bob:****@api.example.com/v1", kPercent},
      {"http_basic", "http://bob:" + kPercent + "@proxy:3128", "http://bob:****@proxy:3128",
       kPercent},
      {"sqlalchemy_psycopg2", "postgresql+psycopg2://u:" + kPercent + "@h/db",
       "postgresql+psycopg2://u:****@h/db", kPercent},
      {"sqlalchemy_pymysql", "mysql+pymysql://u:" + kPercent + "@h:3306/db?charset=utf8mb4",
       "mysql+pymysql://u:****@h:3306/db?charset=utf8mb4", kPercent},
      {"sqlalchemy_pyodbc", "mssql+pyodbc://u:" + kPercent + "@mydsn",
       "mssql+pyodbc://u:****@mydsn", kPercent},
      {"sqlalchemy_cx_oracle", "oracle+cx_oracle://u:" + kPercent + "@h:1521/?service_name=XE",
       "oracle+cx_oracle://u:****@h:1521/?service_name=XE", kPercent},
      // URIs with raw special characters (not valid URIs, still masked whole).
      {"uri_raw_at", "postgres://u:p@ss@h/db", "postgres://u:****@h/db", "p@ss"},
      {"uri_raw_slash_colon", "mysql://u:a/b:c@h/db", "mysql://u:****@h/db", "a/b:c"},
      {"uri_raw_hash_question", "redis://u:a#b?c@h", "redis://u:****@h", "a#b?c"},
      {"uri_raw_canary", "postgres://u:" + kRaw + "@h/db", "postgres://u:****@h/db", kRaw},
      {"uri_raw_space", "mysql://u:pa ss@h/db", "mysql://u:****@h/db", "pa ss"},
      {"uri_non_ascii", "postgres://u:пароль€@h/db", "postgres://u:****@h/db", "пароль€"},
      {"uri_in_sentence", "connect to postgres://u:s3cret@h/db now",
       "connect to postgres://u:****@h/db now", "s3cret"},
      {"two_uris_one_line", "a=postgres://u:one1@h1/db b=mysql://v:two2@h2/db",
       "a=postgres://u:****@h1/db b=mysql://v:****@h2/db", "two2"},
      {"uri_password_query", "postgresql://h/db?user=u&password=" + kPercent + "&sslmode=disable",
       "postgresql://h/db?user=u&password=****&sslmode=disable", kPercent},
      // JDBC.
      {"jdbc_postgres_query", "jdbc:postgresql://h:5432/db?user=u&password=" + kPercent,
       "jdbc:postgresql://h:5432/db?user=u&password=****", kPercent},
      {"jdbc_mysql_userinfo", "jdbc:mysql://u:" + kPercent + "@h:3306/db",
       "jdbc:mysql://u:****@h:3306/db", kPercent},
      {"jdbc_sqlserver_props",
       "jdbc:sqlserver://h:1433;databaseName=db;user=sa;password=" + kPercent + ";encrypt=true",
       "jdbc:sqlserver://h:1433;databaseName=db;user=sa;password=****;encrypt=true", kPercent},
      {"jdbc_sqlserver_braced", "jdbc:sqlserver://h;user=sa;password={a;b}}c};encrypt=true",
       "jdbc:sqlserver://h;user=sa;password=****;encrypt=true", "a;b}}c"},
      {"jdbc_oracle_thin", "jdbc:oracle:thin:scott/" + kPercent + "@ora:1521:XE",
       "jdbc:oracle:thin:scott/****@ora:1521:XE", kPercent},
      {"jdbc_oracle_thin_raw", "jdbc:oracle:thin:scott/t@ger/x@//ora:1521/XE",
       "jdbc:oracle:thin:scott/****@//ora:1521/XE", "t@ger/x"},
      {"jdbc_mariadb_query", "jdbc:mariadb://h/db?user=u&password=abc123&useSSL=true",
       "jdbc:mariadb://h/db?user=u&password=****&useSSL=true", "abc123"},
      // libpq keyword/value.
      {"libpq_plain", "host=h port=5432 user=u password=s3cr3t dbname=app",
       "host=h port=5432 user=u password=**** dbname=app", "s3cr3t"},
      {"libpq_last", "host=h user=u password=s3cr3t", "host=h user=u password=****", "s3cr3t"},
      {"libpq_quoted", "host=h password='p@ss w;rd' dbname=app", "host=h password=**** dbname=app",
       "p@ss w;rd"},
      {"libpq_quoted_escape", "host=h password='it\\'s \\\\ok' user=u",
       "host=h password=**** user=u", "it\\'s \\\\ok"},
      {"libpq_quoted_canary", "password='p@ss:w/rd;\\'\"}%=&#+ ü' host=h", "password=**** host=h",
       "p@ss:w/rd;\\'\"}%=&#+ ü"},
      {"libpq_spaces_around_equals", "host=h password = s3cret user=u",
       "host=h password = **** user=u", "s3cret"},
      // libpq (and our parser) read a bare value to the next blank: ';' is part of it.
      {"libpq_unquoted_specials", "password=a@b:c/d;e host=h", "password=**** host=h", "a@b:c/d;e"},
      {"libpq_unquoted_semicolon_mid", "host=a user=aa password=M;cIw,M dbname=a",
       "host=a user=aa password=**** dbname=a", "M;cIw,M"},
      // A leading pair could be either: the mask runs on past the ';'.
      {"ambiguous_leading_pair", "Password=s3cret;Server=h", "Password=****", "s3cret"},
      {"libpq_sslpassword", "sslkey=/k sslpassword=keypass host=h",
       "sslkey=**** sslpassword=**** host=h", "keypass"},
      // ADO.NET.
      {"ado_plain",
       "Server=tcp:h,1433;Database=db;User Id=sa;Password=" + kPercent + ";Encrypt=True;",
       "Server=tcp:h,1433;Database=db;User Id=sa;Password=****;Encrypt=True;", kPercent},
      {"ado_pwd", "Data Source=h;Initial Catalog=db;UID=sa;PWD=s3cret;",
       "Data Source=h;Initial Catalog=db;UID=sa;PWD=****;", "s3cret"},
      {"ado_double_quoted", "Server=h;Password=\"a;b\"\"c\";Database=db",
       "Server=h;Password=****;Database=db", "a;b\"\"c"},
      // ADO.NET has no backslash escape: `\"` is a backslash, then `""` a quote
      // (found by fuzz/masking_fuzz).
      {"ado_backslash_before_doubled_quote", "Server=h;Password=\"a\\\"\"bc\";Database=db",
       "Server=h;Password=****;Database=db", "bc"},
      {"ado_single_quoted", "Server=h;Password='a;b''c=d';Database=db",
       "Server=h;Password=****;Database=db", "a;b''c=d"},
      {"ado_single_quoted_canary", "Server=h;Password='p@ss:w/rd;''\"}%=&#+ ü';Database=db",
       "Server=h;Password=****;Database=db", "p@ss:w/rd;''\"}%=&#+ ü"},
      {"ado_unquoted_space", "Server=h;Password=pa ss word;Database=db",
       "Server=h;Password=****;Database=db", "pa ss word"},
      {"ado_spaces_around", "Server=h; Password = s3cret ; Database=db",
       "Server=h; Password = **** ; Database=db", "s3cret"},
      {"ado_lowercase", "server=h;password=s3cret", "server=h;password=****", "s3cret"},
      {"azure_storage",
       "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=abc+def/"
       "ghi==;EndpointSuffix=core.windows.net",
       "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=****;EndpointSuffix=core."
       "windows.net",
       "abc+def/ghi=="},
      // ODBC.
      {"odbc_braced", "Driver={ODBC Driver 18 for SQL Server};Server=h;UID=sa;PWD={a;b}}c=d};",
       "Driver={ODBC Driver 18 for SQL Server};Server=h;UID=sa;PWD=****;", "a;b}}c=d"},
      {"odbc_braced_canary", "DRIVER={PostgreSQL};SERVER=h;PWD={p@ss:w/rd;'\"}}%=&#+ ü};PORT=5432",
       "DRIVER={PostgreSQL};SERVER=h;PWD=****;PORT=5432", "p@ss:w/rd;'\"}}%=&#+ ü"},
      {"odbc_plain", "DSN=prod;UID=u;PWD=plain1", "DSN=prod;UID=u;PWD=****", "plain1"},
      {"odbc_password_keyword", "Driver=SQLite3;Database=/tmp/x.db;Password=abc",
       "Driver=SQLite3;Database=/tmp/x.db;Password=****", "abc"},
      {"sqlalchemy_odbc_connect",
       "mssql+pyodbc:///?odbc_connect=DRIVER%3D%7BODBC%7D%3BUID%3Dsa%3BPWD%3Dp%40ss%3BSERVER%3Dh",
       "mssql+pyodbc:///?odbc_connect=DRIVER%3D%7BODBC%7D%3BUID%3Dsa%3BPWD%3D****%3BSERVER%3Dh",
       "p%40ss"},
      // Query parameters named like secrets.
      {"query_token", "https://api.example.com/v1/items?limit=5&token=tok_123456",
       "https://api.example.com/v1/items?limit=5&token=****", "tok_123456"},
      {"query_api_key", "https://maps.example.com/geo?api_key=K3y-Value&q=x",
       "https://maps.example.com/geo?api_key=****&q=x", "K3y-Value"},
      {"query_secret", "https://h/cb?client_id=abc&client_secret=S3cr3t!",
       "https://h/cb?client_id=abc&client_secret=****", "S3cr3t!"},
      {"query_auth", "https://h/x?auth=abcdef&x=1", "https://h/x?auth=****&x=1", "abcdef"},
      {"query_pwd", "ftp://h/file?pwd=hunter22", "ftp://h/file?pwd=****", "hunter22"},
      {"query_sas_sig", "https://acct.blob.core.windows.net/c?sv=2020&sig=AbC%2Bd%3D",
       "https://acct.blob.core.windows.net/c?sv=2020&sig=****", "AbC%2Bd%3D"},
      {"query_access_token", "wss://h/socket?access_token=eyJabc.def.ghi",
       "wss://h/socket?access_token=****", "eyJabc.def.ghi"},
      // Nothing to mask.
      {"no_password_uri", "postgres://alice@h/db", "postgres://alice@h/db", ""},
      {"no_userinfo", "https://example.com:8080/path?a=1", "https://example.com:8080/path?a=1", ""},
      {"email_in_path", "https://example.com/users/bob@example.com",
       "https://example.com/users/bob@example.com", ""},
      {"sqlite_path", "sqlite:///var/data/app.db", "sqlite:///var/data/app.db", ""},
      {"auth_source_kept", "mongodb://h/db?authSource=admin&authMechanism=SCRAM-SHA-256",
       "mongodb://h/db?authSource=admin&authMechanism=SCRAM-SHA-256", ""},
      {"plain_text", "hello world", "hello world", ""},
  };
}

// Test names show the case name, not the bytes of the canary.
void PrintTo(const MaskCase& c, std::ostream* out) { *out << c.name; }

class MaskingTableTest : public ::testing::TestWithParam<MaskCase> {};

TEST_P(MaskingTableTest, MasksTheSecretPartCompletely) {
  const MaskCase& c = GetParam();
  std::string masked = MaskSecrets(c.input);
  EXPECT_EQ(masked, c.expected);
  if (!c.secret.empty()) {
    EXPECT_EQ(masked.find(c.secret), std::string::npos) << masked;
  }
}

INSTANTIATE_TEST_SUITE_P(Forms, MaskingTableTest, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<MaskCase>& param_info) {
                           return std::string(param_info.param.name);
                         });

TEST(MaskingTest, TableHasAtLeastSixtyCases) { EXPECT_GE(Cases().size(), 60u); }

// The form shown for a secured credential: secret parts masked, a
// connection string without a secret part as it is (nothing in it is
// secret), anything else wholly masked.
TEST(MaskingTest, MaskedCredentialShowsASecretFreeConnectionStringAsItIs) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"postgresql://user:pw@host/db", "postgresql://user:****@host/db"},
      {"postgresql://h/db?sslpassword=x&sslmode=require",
       "postgresql://h/db?sslpassword=****&sslmode=require"},
      {"sqlite:////var/lib/app.db", "sqlite:////var/lib/app.db"},
      {"SQLite:///My Documents/app.db", "SQLite:///My Documents/app.db"},
      {"sqlite::memory:", "sqlite::memory:"},
      {"postgresql://app@db:5432/sales?sslmode=require",
       "postgresql://app@db:5432/sales?sslmode=require"},
      {"mysql+pymysql://app@db/shop", "mysql+pymysql://app@db/shop"},
      {"opaque-api-key", "****"},
      {"https://hooks.example.com/services/abc", "****"},
      {"host=db dbname=app", "****"},
      {"jdbc:postgresql://db/app", "****"},
      {"sqlite:///a.db\npassword123", "****"},
      {"postgresql://us/er:pw@host/db", "****"},
      {"postgresql://h/db?pass%77ord=x", "****"},
      {"ftp://h/file", "****"},
  };
  for (const auto& [secret, masked] : cases) EXPECT_EQ(MaskedCredential(secret), masked) << secret;
}

TEST(MaskingTest, MaskedValuesAreTheMasksAndNothingElse) {
  for (std::string_view value : {"***", "****", "********", "[REDACTED]"}) {
    EXPECT_TRUE(IsMaskedValue(value)) << value;
  }
  for (std::string_view value : {"", "*", "**", "****x", "x****", "[REDACTED]x", "∗∗∗∗", "* **"}) {
    EXPECT_FALSE(IsMaskedValue(value)) << value;
  }
}

TEST(MaskingTest, MergeSpansJoinsOverlappingAndTouchingSpans) {
  std::vector<ByteSpan> merged = MergeSpans({{10, 12}, {0, 3}, {2, 5}, {12, 14}});
  EXPECT_EQ(merged, (std::vector<ByteSpan>{{0, 5}, {10, 14}}));
}

}  // namespace
}  // namespace aurite::security
