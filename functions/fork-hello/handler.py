#!/usr/bin/python3
# An OpenFaaS classic-watchdog style function: started once per request, the
# request body on stdin, the response on stdout, request details in Http_*
# variables. Every invocation is a new process, so every one is a cold start.
# On demand: a body of {"fail": "exit" | "hang" | "oom"}.
import json
import os
import sys
import time

raw = sys.stdin.read()
try:
    event = json.loads(raw) if raw else {}
except ValueError:
    event = {"text": raw}
fail = event.get("fail") if isinstance(event, dict) else None
if fail == "exit":
    sys.stderr.write("failing on demand\n")
    sys.exit(3)
if fail == "hang":
    time.sleep(3600)
if fail == "oom":
    hoard = []
    while True:
        hoard.append(bytearray(16 * 1024 * 1024))
json.dump({"message": "hello from a forked process", "pid": os.getpid(), "method": os.environ.get("Http_Method"), "path": os.environ.get("Http_Path"), "query": os.environ.get("Http_Query", ""), "bytes": len(raw)}, sys.stdout)
