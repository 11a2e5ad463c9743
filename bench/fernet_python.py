#!/usr/bin/python3
"""Python's cryptography Fernet on the same 100-byte secret as crypto_bench.

Prints encrypt+decrypt operations per second (best of 5 runs of 1 s).
"""
import time

from cryptography.fernet import Fernet

PLAINTEXT = b"x" * 100


def ops_per_second(fernet, seconds=1.0):
    count = 0
    start = time.perf_counter()
    while True:
        for _ in range(100):
            fernet.decrypt(fernet.encrypt(PLAINTEXT))
        count += 100
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return count / elapsed


fernet = Fernet(Fernet.generate_key())
print(f"{max(ops_per_second(fernet) for _ in range(5)):.0f}")
