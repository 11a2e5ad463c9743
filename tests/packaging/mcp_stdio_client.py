#!/usr/bin/env python3
"""Starts an MCP server over stdio as a client such as Claude Desktop does
(a command, its arguments and its environment; nothing inherited but PATH
and HOME), initializes, makes the calls given, and prints each result.

    mcp_stdio_client.py LAUNCH.json CALLS.json

LAUNCH.json is {"command": ..., "args": [...], "env": {...}} (the shape of a
bundle's resolved mcp_config); CALLS.json is a list of {"method", "params"}.
A parameter "{{KEY}}" becomes the value of KEY in the structuredContent of
an earlier tool result (a connection_id, a token). Prints one JSON result
per line. Exits 1, with the server's stderr, on an error response, a tool
result with isError, an early exit, or no answer within 30 s.
"""
import json
import os
import selectors
import subprocess
import sys
import time

DEADLINE_SECONDS = 30


def substitute(value, seen):
    """`value` with each "{{KEY}}" string replaced by seen[KEY]."""
    if isinstance(value, dict):
        return {key: substitute(item, seen) for key, item in value.items()}
    if isinstance(value, list):
        return [substitute(item, seen) for item in value]
    if isinstance(value, str) and value.startswith("{{") and value.endswith("}}"):
        return seen[value[2:-2]]
    return value


def main():
    launch = json.load(open(sys.argv[1]))
    calls = json.load(open(sys.argv[2]))
    env = {name: os.environ[name] for name in ("PATH", "HOME") if name in os.environ}
    env.update(launch.get("env", {}))
    server = subprocess.Popen([launch["command"], *launch.get("args", [])], env=env,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
    selector = selectors.DefaultSelector()
    selector.register(server.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + DEADLINE_SECONDS

    def fail(why):
        server.kill()
        _, err = server.communicate()
        sys.exit(f"mcp_stdio_client: {why}\n--- server stderr ---\n{err.decode(errors='replace')}")

    def send(message):
        server.stdin.write((json.dumps(message) + "\n").encode())
        server.stdin.flush()

    def answer(request_id):
        while True:
            if not selector.select(max(0.0, deadline - time.monotonic())):
                fail(f"no answer to request {request_id} within {DEADLINE_SECONDS} s")
            line = server.stdout.readline()
            if not line:
                fail(f"the server exited (status {server.wait()}) before answering {request_id}")
            message = json.loads(line)
            if message.get("id") == request_id and "method" not in message:
                if "error" in message:
                    fail(f"request {request_id} failed: {json.dumps(message['error'])}")
                return message["result"]

    send({"jsonrpc": "2.0", "id": 0, "method": "initialize",
          "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                     "clientInfo": {"name": "aurite-packaging-test", "version": "1"}}})
    answer(0)
    send({"jsonrpc": "2.0", "method": "notifications/initialized"})
    seen = {}
    for number, call in enumerate(calls, start=1):
        send({"jsonrpc": "2.0", "id": number, "method": call["method"],
              "params": substitute(call.get("params", {}), seen)})
        result = answer(number)
        if result.get("isError"):
            fail(f"{call['method']} {number} returned an error: {json.dumps(result)}")
        seen.update(result.get("structuredContent") or {})
        print(json.dumps(result), flush=True)
    server.stdin.close()
    try:
        status = server.wait(timeout=max(1.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        fail("the server did not exit when its stdin closed")
    if status != 0:
        fail(f"the server exited with status {status} when its stdin closed")


if __name__ == "__main__":
    main()
