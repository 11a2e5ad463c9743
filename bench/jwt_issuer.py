#!/usr/bin/env python3
"""A loopback OAuth issuer for bench/http-bench --auth: makes an RSA key,
serves its JWKS and OpenID discovery document on 127.0.0.1, and writes the
issuer URL (WORKDIR/issuer) and an RS256 access token for AUDIENCE, valid
for an hour (WORKDIR/jwt, mode 0600). Serves until killed.

    bench/jwt_issuer.py WORKDIR AUDIENCE
"""
import base64
import http.server
import json
import os
import sys
import time

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def number(n):
    return b64(n.to_bytes((n.bit_length() + 7) // 8, "big"))


work, audience = sys.argv[1], sys.argv[2]
key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
public = key.public_key().public_numbers()
jwks = {"keys": [{"kty": "RSA", "kid": "bench", "alg": "RS256", "use": "sig",
                  "n": number(public.n), "e": number(public.e)}]}
documents = {}


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = documents.get(self.path)
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body or b"")))
        self.end_headers()
        self.wfile.write(body or b"")

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
issuer = f"http://127.0.0.1:{server.server_port}"
documents["/.well-known/openid-configuration"] = json.dumps(
    {"issuer": issuer, "jwks_uri": issuer + "/jwks"}).encode()
documents["/jwks"] = json.dumps(jwks).encode()
now = int(time.time())
signing_input = (b64(json.dumps({"alg": "RS256", "kid": "bench", "typ": "at+jwt"}).encode()) + "." +
                 b64(json.dumps({"iss": issuer, "aud": audience, "sub": "bench-user",
                                 "iat": now, "exp": now + 3600, "scope": "aurite"}).encode()))
signature = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
with open(os.open(os.path.join(work, "jwt"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
    f.write(signing_input + "." + b64(signature))
with open(os.path.join(work, "issuer"), "w") as f:
    f.write(issuer)
server.serve_forever()
