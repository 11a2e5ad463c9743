// libmariadb client options and mysql_real_connect.
#include "sql/mariadb_connect.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <mutex>
#include <string>

namespace aurite::sql {
namespace {

// Sets `tls_required` when the session must end up encrypted: libmariadb 3.3
// quietly falls back to plain text when the server offers no TLS, so ConnectMariaDb
// checks the outcome itself.
Status ApplySslMode(MYSQL* mysql, const std::string& mode, bool& tls_required) {
  std::string upper = mode;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  std::replace(upper.begin(), upper.end(), '-', '_');
  my_bool on = 1;
  my_bool off = 0;
  if (upper == "DISABLED" || upper == "DISABLE") return OkStatus();
  if (upper == "PREFERRED" || upper == "PREFER") {
    My().mysql_ssl_set(mysql, nullptr, nullptr, nullptr, nullptr, nullptr);
    return OkStatus();
  }
  if (upper == "REQUIRED" || upper == "REQUIRE") {
    tls_required = true;
    My().mysql_optionsv(mysql, MYSQL_OPT_SSL_ENFORCE, &on);
    My().mysql_optionsv(mysql, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &off);
    return OkStatus();
  }
  // libmariadb verifies the host name along with the chain, so VERIFY_CA is
  // as strict as VERIFY_IDENTITY.
  if (upper == "VERIFY_CA" || upper == "VERIFY_IDENTITY" || upper == "VERIFY_FULL") {
    tls_required = true;
    My().mysql_optionsv(mysql, MYSQL_OPT_SSL_ENFORCE, &on);
    My().mysql_optionsv(mysql, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &on);
    return OkStatus();
  }
  return InvalidArgumentError(
      "MariaDB: ssl-mode must be DISABLED, PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY");
}

Status ApplyOptions(MYSQL* mysql, const ConnectionConfig& config, const OpenOptions& options,
                    bool& tls_required) {
  unsigned connect_timeout = static_cast<unsigned>(options.connect_timeout.count());
  // The server's max_statement_time ends slow statements first; the read
  // timeout, a second later, catches statements that lifted it and servers
  // that stopped answering.
  unsigned read_timeout =
      static_cast<unsigned>((options.statement_timeout.count() + 999) / 1000 + 1);
  std::string charset = "utf8mb4";
  for (const auto& [key, value] : config.options) {
    if (key == "ssl-mode") {
      AURITE_RETURN_IF_ERROR(ApplySslMode(mysql, value, tls_required));
    } else if (key == "ssl-ca") {
      My().mysql_optionsv(mysql, MYSQL_OPT_SSL_CA, value.c_str());
    } else if (key == "ssl-capath") {
      My().mysql_optionsv(mysql, MYSQL_OPT_SSL_CAPATH, value.c_str());
    } else if (key == "ssl-cert") {
      My().mysql_optionsv(mysql, MYSQL_OPT_SSL_CERT, value.c_str());
    } else if (key == "ssl-cipher") {
      My().mysql_optionsv(mysql, MYSQL_OPT_SSL_CIPHER, value.c_str());
    } else if (key == "ssl-crl") {
      My().mysql_optionsv(mysql, MYSQL_OPT_SSL_CRL, value.c_str());
    } else if (key == "charset") {
      charset = value;
    } else if (key == "connect-timeout") {
      connect_timeout = static_cast<unsigned>(std::atoi(value.c_str()));
    }
  }
  // libmariadb copies each value, so the NUL-terminated copies can go at once.
  for (const auto& [key, value] : config.secret_options) {
    crypto::SecretBuffer text = NulTerminated(value);
    if (key == "ssl-key") {
      My().mysql_optionsv(mysql, MYSQL_OPT_SSL_KEY, text.data());
    } else if (key == "ssl-passphrase") {
      My().mysql_optionsv(mysql, MARIADB_OPT_TLS_PASSPHRASE, text.data());
    }
  }
  // LOAD DATA LOCAL INFILE makes the client send a file the server names:
  // a read of this machine's files. Never allowed.
  unsigned local_infile = 0;
  My().mysql_optionsv(mysql, MYSQL_OPT_LOCAL_INFILE, &local_infile);
  My().mysql_optionsv(mysql, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout);
  My().mysql_optionsv(mysql, MYSQL_OPT_READ_TIMEOUT, &read_timeout);
  My().mysql_optionsv(mysql, MYSQL_SET_CHARSET_NAME, charset.c_str());
  // A row packet above this fails to arrive instead of being buffered whole.
  if (options.max_value_bytes > 0) {
    unsigned long packet = static_cast<unsigned long>(options.max_value_bytes);
    My().mysql_optionsv(mysql, MYSQL_OPT_MAX_ALLOWED_PACKET, &packet);
  }
  return OkStatus();
}

}  // namespace

StatusOr<MysqlHandle> ConnectMariaDb(const ConnectionConfig& config, const OpenOptions& options) {
  if (auto loaded = ProcessFunctionTable<LibMariaDb>(); !loaded.ok()) {
    return FailedPreconditionError("MariaDB: " + loaded.status().message());
  }
  static std::once_flag library_initialised;
  std::call_once(library_initialised, [] { My().mysql_server_init(0, nullptr, nullptr); });
  MysqlHandle mysql(My().mysql_init(nullptr));
  if (!mysql) return ResourceExhaustedError("MariaDB: out of memory");
  bool tls_required = false;
  AURITE_RETURN_IF_ERROR(ApplyOptions(mysql.get(), config, options, tls_required));
  crypto::SecretBuffer password = NulTerminated(config.password);
  if (!My().mysql_real_connect(mysql.get(), config.host.empty() ? nullptr : config.host.c_str(),
                               config.user.empty() ? nullptr : config.user.c_str(),
                               reinterpret_cast<const char*>(password.data()),
                               config.database.empty() ? nullptr : config.database.c_str(),
                               config.port.value_or(0), nullptr, 0)) {
    return UnavailableError(fmt::format("MariaDB: could not connect: {} (error {})",
                                        config.ScrubSecrets(My().mysql_error(mysql.get())),
                                        My().mysql_errno(mysql.get())));
  }
  if (tls_required && My().mysql_get_ssl_cipher(mysql.get()) == nullptr) {
    return UnavailableError(
        "MariaDB: ssl-mode requires TLS (SSL), but the server did not offer it; the connection "
        "was closed unencrypted");
  }
  return mysql;
}

}  // namespace aurite::sql
