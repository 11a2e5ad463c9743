#!/usr/bin/python3
"""SigV4 Authorization headers from botocore, the reference for Aurite's own.

Reads a JSON list of cases on stdin, each an object with method, url, query
(a list of [name, value]), headers (a list of [name, value]), body, region,
service, time (Unix seconds), access_key_id, secret_access_key and
session_token (null for long-term credentials). Prints a JSON list of the
Authorization headers botocore's SigV4Auth adds to each request, with its
clock frozen at the case's time.

Run it with /usr/bin/python3: it must use Debian's python3-botocore
(scripts/install-deps installs it), and it fails when that is missing.
"""
import datetime
import json
import sys
from unittest import mock

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
# Exits with a message when python3-botocore is missing.
from botocore_rds_tokens import botocore, frozen_datetime_module  # noqa: E402
from botocore.awsrequest import AWSRequest  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402


def authorization(case):
    credentials = Credentials(
        case["access_key_id"], case["secret_access_key"], case["session_token"]
    )
    request = AWSRequest(
        method=case["method"],
        url=case["url"],
        params=dict(case["query"]),
        headers=dict(case["headers"]),
        data=case["body"].encode(),
    )
    when = datetime.datetime.fromtimestamp(case["time"], datetime.timezone.utc)
    when = when.replace(tzinfo=None)
    with mock.patch.object(botocore.auth, "datetime", frozen_datetime_module(when)):
        botocore.auth.SigV4Auth(credentials, case["service"], case["region"]).add_auth(request)
    if request.headers["X-Amz-Date"] != when.strftime("%Y%m%dT%H%M%SZ"):
        raise SystemExit("botocore's clock could not be frozen: " + botocore.__version__)
    return request.headers["Authorization"]


def main():
    print(json.dumps([authorization(case) for case in json.load(sys.stdin)]))


if __name__ == "__main__":
    main()
