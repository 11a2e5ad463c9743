// The AWS shared credentials file (~/.aws/credentials): INI sections named
// after profiles, each with aws_access_key_id, aws_secret_access_key and,
// for temporary credentials, aws_session_token.
//
// The parser is strict where the AWS tools are lenient or surprising: a line
// is blank, a comment (# or ;), a "[profile]" header, a "name = value" (or
// "name: value") setting, or an indented line under a setting with an empty
// value (a nested block, ignored). Anything else, a setting before the first
// header, a repeated profile or a repeated setting is an error naming the
// line number. As with the AWS tools, names are case-insensitive, profile
// names are not, and values are trimmed.
#pragma once

#include <string_view>

#include "base/status.h"
#include "crypto/secret_buffer.h"
#include "crypto/sigv4.h"

namespace aurite::credentials {

// The credentials of `profile` in `text`, a credentials file's content;
// `origin` names the file in messages. kNotFound when no section is named
// `profile`; kInvalidArgument for a malformed file or a profile without
// aws_access_key_id or aws_secret_access_key. Messages never quote a value.
StatusOr<crypto::AwsCredentials> ParseCredentialsProfile(const crypto::SecretBuffer& text,
                                                         std::string_view profile,
                                                         std::string_view origin);

}  // namespace aurite::credentials
