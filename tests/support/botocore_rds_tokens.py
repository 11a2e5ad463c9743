#!/usr/bin/python3
"""RDS IAM tokens from botocore, the reference for Aurite's own.

Reads a JSON list of cases on stdin, each an object with hostname, port,
username, region, time (Unix seconds), access_key_id, secret_access_key and
session_token (null for long-term credentials). Prints a JSON list of the
tokens botocore's generate_db_auth_token returns for them, with botocore's
clock frozen at each case's time.

Run it with /usr/bin/python3: it must use Debian's python3-botocore
(scripts/install-deps installs it), and it fails when that is missing.
"""
import datetime
import json
import sys
import types
from unittest import mock

try:
    import botocore.auth
    import botocore.session
except ImportError:
    print("python3-botocore is missing: run scripts/install-deps", file=sys.stderr)
    sys.exit(3)


def frozen_datetime_module(when):
    """A stand-in for the datetime module inside botocore.auth, whose
    SigV4 signer asks datetime.datetime.utcnow() for the signing time."""

    class FrozenDateTime(datetime.datetime):
        @classmethod
        def utcnow(cls):
            return when

    return types.SimpleNamespace(datetime=FrozenDateTime)


def token(session, case):
    client = session.create_client(
        "rds",
        region_name=case["region"],
        aws_access_key_id=case["access_key_id"],
        aws_secret_access_key=case["secret_access_key"],
        aws_session_token=case["session_token"],
    )
    when = datetime.datetime.fromtimestamp(case["time"], datetime.timezone.utc)
    when = when.replace(tzinfo=None)
    with mock.patch.object(botocore.auth, "datetime", frozen_datetime_module(when)):
        result = client.generate_db_auth_token(
            case["hostname"], case["port"], case["username"], Region=case["region"]
        )
    # If botocore ever reads its clock another way, say so instead of
    # reporting a mere mismatch.
    if "X-Amz-Date=" + when.strftime("%Y%m%dT%H%M%SZ") not in result:
        raise SystemExit("botocore's clock could not be frozen: " + botocore.__version__)
    return result


def main():
    session = botocore.session.Session()
    print(json.dumps([token(session, case) for case in json.load(sys.stdin)]))


if __name__ == "__main__":
    main()
