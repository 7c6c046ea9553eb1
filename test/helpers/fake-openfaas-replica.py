"""One replica of a fake OpenFaaS function: a minimal of-watchdog in http mode
(providers.md §2.2, §2.5) around a function that uses fxbench's Python
instance-id snippet (snippets/python/fxbench_instance.py). A real process: the
fake gateway starts one per replica and kills it by PID.

Usage: python3 fake-openfaas-replica.py STARTUP_MS
Sleeps STARTUP_MS (the replica's start-up), binds 127.0.0.1:0, prints
"listening PORT" and serves:
  /_/health, /_/ready  200 OK
  anything else         the function: echoes the body; a JSON body {"sleepMs": N}
                        sleeps N ms; {"status": N} answers N. Adds
                        X-Duration-Seconds (%f) like the watchdog.
"""
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "snippets", "python"))
from fxbench_instance import fxbench_headers  # noqa: E402

time.sleep(int(sys.argv[1]) / 1000 if len(sys.argv) > 1 else 0)


class Watchdog(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _reply(self, status, body, headers):
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _handle(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.path in ("/_/health", "/_/ready"):
            return self._reply(200, b"OK", {"Content-Type": "text/plain"})
        start = time.perf_counter()
        status = 200
        try:
            req = json.loads(body or b"{}")
            if isinstance(req, dict):
                time.sleep(float(req.get("sleepMs", 0)) / 1000)
                status = int(req.get("status", 200))
        except ValueError:
            pass
        headers = {"Content-Type": "application/json", **fxbench_headers()}
        headers["X-Duration-Seconds"] = "%f" % (time.perf_counter() - start)
        self._reply(status, body, headers)

    do_GET = do_POST = do_PUT = do_DELETE = _handle


server = ThreadingHTTPServer(("127.0.0.1", 0), Watchdog)
print("listening %d" % server.server_address[1], flush=True)
server.serve_forever()
