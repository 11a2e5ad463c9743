// Statement text for the audit log with its literals masked
// (audit.statements "masked"): every string and numeric literal becomes
// '?', and comments become one space, so a value written into a statement
// (a customer's e-mail, a password in ALTER ROLE ... PASSWORD '...') never
// reaches the log, while the statement's shape stays readable.
//
// The lexer follows each engine's quoting rules, because a string that a
// lexer ends too early leaves the rest of the literal in clear:
//  - kStandard (PostgreSQL, SQLite): '…' with '' escapes, and backslash
//    escapes only in E'…' strings; dollar quotes $tag$…$tag$ ($$…$$);
//    "…" is an identifier (kept, "" escapes); nested /* */ comments.
//  - kMariaDb: '…' and "…" are strings with '' / "" and backslash escapes;
//    `…` is an identifier (kept); # comments too.
//  - kUnknown (the engine is not known): the union, masking more: "…" is
//    a string, # starts a comment, dollar quotes and nested comments are
//    read as on PostgreSQL, and a backslash in a string masks everything
//    after it (whether it escapes the next quote depends on the engine).
// Both: -- comments to the end of the line, numbers (including 1.5e-3,
// .5 and 0x1F) outside identifiers, and an unterminated literal or comment
// masks everything to the end. Placeholders ($1, ?, :name) and identifiers
// (t1, "x1") are kept. When unsure, the lexer masks more, never less.
#pragma once

#include <string>
#include <string_view>

namespace aurite::security {

enum class SqlDialect { kStandard, kMariaDb, kUnknown };

std::string MaskSqlLiterals(std::string_view sql, SqlDialect dialect);

}  // namespace aurite::security
