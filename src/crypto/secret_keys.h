// The one rule for which keys of a connection string or configuration text
// name a secret value.
//
// Both layers that handle connection strings ask this rule, so a value one
// of them hides is hidden by the other: the sql layer keeps every such value
// in a SecretBuffer and shows it as "****" in ConnectionConfig::Masked(), and
// the security layer masks, detects and redacts it in any text (masking.h).
//
// Contract of IsSecretKeyName(name):
//  - The comparison ignores ASCII case (MariaDB option names, ODBC, ADO.NET
//    and JDBC keys are case-insensitive; libpq's are not, but "PASSWORD" is
//    just as secret to a reader).
//  - A name is secret when it contains one of kSecretKeyWords: "pass"
//    (password, passwd, passphrase, sslpassword, tls-passphrase), "pwd",
//    "secret", "token", "key" (api_key, apikey, access_key, private_key,
//    AccountKey), "auth" (auth, authorization, auth_token), "credential" or
//    "signature"; or when it is exactly "sig" (SAS signatures).
//  - Except the names in kNonSecretKeyNames, which contain such a word but
//    are known to name no secret (MongoDB's authSource, ...).
//  - The rule errs towards secrecy: a key that merely contains a word, such as
//    libpq's sslkey (a file name), counts as secret. Hiding a file name costs
//    a reader a little; showing a secret cannot be undone.
#pragma once

#include <array>
#include <string_view>

namespace aurite::crypto {

inline constexpr std::array<std::string_view, 8> kSecretKeyWords = {
    "pass", "pwd", "secret", "token", "key", "auth", "credential", "signature"};

inline constexpr std::array<std::string_view, 3> kNonSecretKeyNames = {
    "authsource", "authmechanism", "auth_plugin"};

// True when a key name (e.g. "Password", "sslpassword", "api_key", "PWD")
// names a secret value; see the contract above.
bool IsSecretKeyName(std::string_view name);

}  // namespace aurite::crypto
