# A Python handler for the custom runtime in ./bootstrap. Answers with a greeting
# and the identity of the instance that served it (made once, at init).
# On demand, for error classification: {"fail": "throw" | "exit" | "hang" | "oom"}.
import os
import sys
import time
import uuid

INSTANCE_ID = str(uuid.uuid4())
invocations = 0


def handler(event, context):
    global invocations
    invocations += 1
    fail = event.get("fail") if isinstance(event, dict) else None
    if fail == "throw":
        raise ValueError("failed on demand")
    if fail == "exit":
        sys.exit(3)
    if fail == "hang":
        time.sleep(3600)
    if fail == "oom":
        hoard = []
        while True:
            hoard.append(bytearray(16 * 1024 * 1024))
    name = event.get("name", "world") if isinstance(event, dict) else "world"
    return {"message": f"hello, {name}", "runtime": "python", "instanceId": INSTANCE_ID, "invocations": invocations, "pid": os.getpid()}
