#!/usr/bin/python3
"""Fernet interoperability partner: Python's `cryptography` package.

  fernet_interop.py encrypt MAXLEN   print one token per line, for plaintexts of 0..MAXLEN bytes
  fernet_interop.py decrypt          read such tokens on stdin, check each plaintext

The key comes from FERNET_INTEROP_KEY. Plaintext n is the byte pattern of
length n that the C++ side builds the same way.
"""
import os
import sys

from cryptography.fernet import Fernet


def pattern(n):
    return bytes((i * 31 + n * 7) & 0xFF for i in range(n))


def main():
    fernet = Fernet(os.environ["FERNET_INTEROP_KEY"].encode())
    if sys.argv[1] == "encrypt":
        for n in range(int(sys.argv[2]) + 1):
            print(fernet.encrypt(pattern(n)).decode())
        return 0
    count = 0
    for n, line in enumerate(sys.stdin):
        if fernet.decrypt(line.strip().encode()) != pattern(n):
            print(f"plaintext {n} differs", file=sys.stderr)
            return 1
        count += 1
    print(count)
    return 0


if __name__ == "__main__":
    sys.exit(main())
