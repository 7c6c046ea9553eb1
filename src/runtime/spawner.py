#!/usr/bin/env python3
"""fxbench's instance spawner (spawner.ts starts it for the local runtime).

Node's child_process.spawn forks the whole runtime process: on a 2-core VM that
cost 5-18 ms of the runtime's CPU per instance and blocked its event loop
10-35 ms, so the invocations of a burst were accepted over seconds. Python's
subprocess starts children with vfork (3.10+), which copies no page tables:
about 0.5 ms each. This process does only that, and reports back.

Protocol: one JSON object per line each way.
  in   {"id": KEY, "argv": [...], "cwd": DIR, "env": {...}, "group": BOOL (a process group
        of its own), "nice": N,
        "stdin": BASE64 (optional: written to its stdin, then closed; else /dev/null),
        "stdout": BOOL (optional: its stdout passed back; else /dev/null),
        "cgroup": DIR (optional: started in this memory cgroup, made ahead: see join())}
  out  {"id": KEY, "pid": PID}                     started
       {"id": KEY, "error": TEXT}                  could not start (ENOENT, ...)
       {"id": KEY, "err": TEXT}                    a chunk of its stderr (latin-1)
       {"id": KEY, "out": TEXT}                    a chunk of its stdout (latin-1)
       {"id": KEY, "exit": CODE, "signal": NAME}   it exited (its output read first)
Arguments: the niceness of its session's scheduling group (autogroup); the
memory cgroup folder it runs in (optional: then it can start children in a
cgroup, "join" below).
First line out: {"ready": true, "python": VERSION, "join": BOOL} (Python 3.9+;
subprocess uses vfork from 3.10, plain fork before). End of input, SIGTERM (its
parent-death signal) or an error: it kills what it started (the processes of
their cgroups, else their process groups) and exits.

Starting a child in a cgroup: this process moves its one thread into the cgroup
(writing "0" to its `tasks`: no global lock, see process-tree.ts), starts the
child there (vfork: it is born in the cgroup), and moves back. That replaces a
`setpriv` and a `sh` step per instance, each an exec (≈ 3 ms of a cold start
each on the 2-core machine, 2026-12-01), and the child's PID is its command's
from the start (its age is the INIT limit's own time).
"""
import base64
import json
import os
import selectors
import signal
import subprocess
import sys

sel = selectors.DefaultSelector()
out = sys.stdout.buffer
by_pid = {}  # pid -> (key, Popen)
by_fd = {}  # stderr or stdout fd -> (key, "err" or "out")
to_write = {}  # stdin fd -> bytes still to write


def send(obj):
    out.write(json.dumps(obj, separators=(",", ":")).encode() + b"\n")
    out.flush()


def read_out(fd, key, kind):
    """Reads what is there now; True at end of file (then the fd is closed)."""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except BlockingIOError:
            return False
        except OSError:
            chunk = b""
        if not chunk:
            sel.unregister(fd)
            os.close(fd)
            del by_fd[fd]
            return True
        send({"id": key, kind: chunk.decode("latin-1")})


def write_in(fd):
    """Writes what the pipe takes now; closes it when all is written or the reader is gone."""
    data = to_write[fd]
    try:
        n = os.write(fd, data)
        data = data[n:]
    except BlockingIOError:
        return
    except OSError:  # EPIPE: a function that never reads its stdin is fine
        data = b""
    if data:
        to_write[fd] = data
        return
    del to_write[fd]
    sel.unregister(fd)
    os.close(fd)


def follow(fd, key, kind):
    os.set_blocking(fd, False)
    by_fd[fd] = (key, kind)
    sel.register(fd, selectors.EVENT_READ, (kind, key))


def own_group(wanted):
    """A process group of its own when asked, in this spawner's session (so its autogroup) where
    Python can (3.11+: process_group, still with vfork); a session of its own before that."""
    if not wanted:
        return {}
    if sys.version_info >= (3, 11):
        return {"process_group": 0}
    return {"start_new_session": True}


home = None  # this process's own memory cgroup folder, when it can move in and out of cgroups
cgroup_of = {}  # pid -> the cgroup it was started in


def join(folder):
    """Moves this process's (one) thread into the cgroup `folder`."""
    fd = os.open(os.path.join(folder, "tasks"), os.O_WRONLY)
    try:
        os.write(fd, b"0")
    finally:
        os.close(fd)


def start(msg):
    key = msg["id"]
    stdin = msg.get("stdin")
    cgroup = msg.get("cgroup")
    if cgroup and home is None:
        send({"id": key, "error": f"cannot place the instance in memory cgroup {cgroup}: the spawner cannot move"})
        return
    if cgroup:
        try:
            join(cgroup)
        except OSError as e:
            send({"id": key, "error": f"cannot place the instance in memory cgroup {cgroup}: {e.strerror or e}"})
            return
    try:
        p = subprocess.Popen(
            msg["argv"],
            cwd=msg.get("cwd"),
            env=msg.get("env"),
            stdin=subprocess.DEVNULL if stdin is None else subprocess.PIPE,
            stdout=subprocess.PIPE if msg.get("stdout") else subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            **own_group(msg.get("group")),
            close_fds=True,
        )
    except OSError as e:
        send({"id": key, "error": f"spawn {msg['argv'][0]} {e.strerror or e} ({e.errno})"})
        return
    finally:
        if cgroup:
            go_home()
    if cgroup:
        cgroup_of[p.pid] = cgroup
    nice = msg.get("nice")
    if nice:
        try:
            os.setpriority(os.PRIO_PROCESS, p.pid, nice)
        except OSError:
            pass
        if own_group(msg.get("group")).get("start_new_session"):
            # A session of its own is an autogroup of its own, where its niceness counts only
            # inside: the group's is lowered too, or it would weigh as much as the spawner's.
            try:
                with open(f"/proc/{p.pid}/autogroup", "w") as f:
                    f.write(str(nice))
            except OSError:
                pass
    # The pipes are used through their fds; the file objects are closed so they do not close them later.
    for f, kind in ((p.stderr, "err"), (p.stdout, "out")):
        if f is not None:
            fd = os.dup(f.fileno())
            f.close()
            follow(fd, key, kind)
    if p.stdin is not None:
        fd = os.dup(p.stdin.fileno())
        p.stdin.close()
        os.set_blocking(fd, False)
        to_write[fd] = base64.b64decode(stdin)
        sel.register(fd, selectors.EVENT_WRITE, ("in", key))
        write_in(fd)
    by_pid[p.pid] = (key, p)
    send({"id": key, "pid": p.pid})


def go_home():
    global home
    try:
        join(home)
    except OSError as e:
        # Left in the instance's cgroup, it keeps that cgroup from being removed. It starts no more
        # children in cgroups: each later one asked is refused with an error (an init error for its
        # instance) rather than started uncapped or in the wrong cgroup.
        sys.stderr.write(f"fxbench spawner: cannot move back to memory cgroup {home}: {e}\n")
        home = None


def kill_children():
    """Kills every process this spawner started, with what they started where that can be found."""
    for pid, (key, p) in list(by_pid.items()):
        cgroup = cgroup_of.get(pid)
        pids = {pid}
        if cgroup:
            try:
                with open(os.path.join(cgroup, "cgroup.procs")) as f:
                    pids.update(int(x) for x in f.read().split())
            except OSError:
                pass
        for q in pids:
            try:
                os.kill(q, signal.SIGKILL)
            except OSError:
                pass
        try:
            os.killpg(pid, signal.SIGKILL)  # its process group, when it leads one
        except OSError:
            pass


def on_term(*_):
    kill_children()
    os._exit(0)


def reap():
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        key, p = by_pid.pop(pid, (None, None))
        cgroup_of.pop(pid, None)
        if key is None:
            continue
        code = os.waitstatus_to_exitcode(status)
        p.returncode = code  # reaped here: Popen must not wait for it again
        for fd, (k, kind) in list(by_fd.items()):
            if k == key:
                read_out(fd, key, kind)
        if code < 0:
            send({"id": key, "exit": None, "signal": signal.Signals(-code).name})
        else:
            send({"id": key, "exit": code, "signal": None})


def main():
    if sys.version_info < (3, 9):  # os.waitstatus_to_exitcode
        send({"ready": False, "python": sys.version.split()[0]})
        return
    # A session of its own: where the kernel groups scheduling by session (autogroup, with the
    # task in the root cpu cgroup), every instance started here shares one scheduling entity,
    # niced like one instance (argv[1], 10; the runtime puts it to 0 while none boots) against
    # the runtime, the generator and the rest of the machine. In the runtime's session each instance weighed in alone: 300 booting at nice
    # 10 (weight 110 each, 33,000 together against 1024) left the runtime waiting 7.41 s for a
    # CPU over 13 s, and the steady example (50/s from cold) sent 80-89 of 250 requests late;
    # from here, 0-3 (2026-11-30).
    try:
        os.setsid()
    except OSError:
        pass  # already a session leader
    if len(sys.argv) > 1:
        try:
            with open("/proc/self/autogroup", "w") as f:
                f.write(sys.argv[1])
        except OSError:
            pass  # no autogroups here
    global home
    if len(sys.argv) > 2 and sys.argv[2]:
        try:
            join(sys.argv[2])  # where it is already: checks it may move itself there
            home = sys.argv[2]
        except OSError:
            pass
    signal.signal(signal.SIGTERM, on_term)
    send({"ready": True, "python": sys.version.split()[0], "join": home is not None})
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_r, False)
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sel.register(wake_r, selectors.EVENT_READ, ("wake", None))
    stdin = sys.stdin.buffer.raw
    os.set_blocking(stdin.fileno(), False)
    sel.register(stdin.fileno(), selectors.EVENT_READ, ("cmd", None))
    pending = b""
    while True:
        for k, _ in sel.select():
            kind, key = k.data
            if kind == "wake":
                try:
                    while os.read(wake_r, 4096):
                        pass
                except BlockingIOError:
                    pass
                reap()
            elif kind in ("err", "out"):
                if k.fd in by_fd:
                    read_out(k.fd, key, kind)
            elif kind == "in":
                if k.fd in to_write:
                    write_in(k.fd)
            else:
                try:
                    data = os.read(k.fd, 1 << 20)
                except BlockingIOError:
                    continue
                if not data:
                    kill_children()
                    return
                pending += data
                *lines, pending = pending.split(b"\n")
                for line in lines:
                    if line.strip():
                        start(json.loads(line))
        reap()


if __name__ == "__main__":
    try:
        main()
    except (BrokenPipeError, KeyboardInterrupt):
        kill_children()
    except BaseException:
        kill_children()
        raise
