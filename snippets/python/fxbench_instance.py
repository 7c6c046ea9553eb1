"""fxbench instance-id snippet (Python). Copy into your function's module scope.

It makes an id once per instance (at import, i.e. init) and counts invocations,
and gives both as response headers; fxbench counts a response whose count is 1
as a cold start, and distinct ids as instances.

    Flask / Cloud Functions:   return (body, 200, fxbench_headers())
    Lambda Function URL:       return {"statusCode": 200, "headers": fxbench_headers(), "body": body}
    OpenFaaS (python3-http):   return {"statusCode": 200, "headers": fxbench_headers(), "body": body}
"""
import threading
import uuid

FXBENCH_INSTANCE_ID = str(uuid.uuid4())
_fxbench_lock = threading.Lock()
_fxbench_invocations = 0


def fxbench_headers():
    """Headers to add to every response: instance id and invocation count (1 on the first)."""
    global _fxbench_invocations
    with _fxbench_lock:
        _fxbench_invocations += 1
        n = _fxbench_invocations
    return {"x-fxbench-instance-id": FXBENCH_INSTANCE_ID, "x-fxbench-invocations": str(n)}
