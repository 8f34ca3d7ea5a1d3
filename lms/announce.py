"""Wait until the web server answers, then print the demo logins and its address.

`make run` starts the server and runs this beside it, so the logins are the last lines a
newcomer reads before the server's own request log. Standard library only: it starts in a
few milliseconds, without Django.

    python -m lms.announce HOST PORT LOGINS_FILE [SERVER_PID]
"""

from __future__ import annotations

import os
import socket
import sys
import time
from pathlib import Path


def wait_for_port(host: str, port: int, *, timeout: float, server_pid: int | None) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=1):
                return True
        except OSError:
            if server_pid is not None and not _alive(server_pid):
                return False
            time.sleep(0.1)
    return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def main(argv: list[str]) -> int:
    if len(argv) not in (3, 4):
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    host, port, logins = argv[0], int(argv[1]), Path(argv[2])
    server_pid = int(argv[3]) if len(argv) == 4 else None
    if not wait_for_port(host, port, timeout=300, server_pid=server_pid):
        return 1
    text = logins.read_text(encoding="utf-8") if logins.is_file() else ""
    print(f"\n{text}\nNight School is ready: http://{host}:{port}/  (Ctrl-C stops it)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
