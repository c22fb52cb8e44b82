"""A parent process that has imported the whole application once and forks ``terjime serve``.

Starting ``terjime serve`` costs about 1.5 s of imports (Flask, SQLAlchemy, the MT clients,
numpy…) before any work; the crash test starts the server a hundred times. Forked from this
parent, each child is a genuine ``terjime serve`` (same entry point, its own process that the
test kills with SIGKILL) that skips only the imports. Protocol, one line each way:

    serve PORT THREADS LOGFILE  →  PID        (a child serving on PORT, output to LOGFILE)
    wait PID                    →  STATUS     (reap it: exit code, or -signal)
"""

from __future__ import annotations

import importlib
import os
import sys


def _preload() -> None:
    from app.web import BLUEPRINTS

    importlib.import_module("app.cli.server")
    for name in BLUEPRINTS:
        importlib.import_module(f"app.web.{name}")
    import alembic.command  # noqa: F401  (the migrations check on start)
    import alembic.runtime.migration  # noqa: F401
    import waitress  # noqa: F401


def _serve(port: str, threads: str, logfile: str) -> None:
    """In the child: become ``terjime serve`` and never return."""
    code = 1
    try:
        log = os.open(logfile, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.close(log)
        sys.stdin.close()
        from app.cli import main

        main(["serve", "--port", port, "--threads", threads], prog_name="terjime")
        code = 0
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def run() -> None:
    _preload()
    print("ready", flush=True)
    for line in sys.stdin:
        words = line.split()
        if words[0] == "serve":
            pid = os.fork()
            if pid == 0:
                _serve(*words[1:4])
            print(pid, flush=True)
        elif words[0] == "wait":
            _, status = os.waitpid(int(words[1]), 0)
            print(os.waitstatus_to_exitcode(status), flush=True)


if __name__ == "__main__":
    run()
