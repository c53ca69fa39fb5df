"""Serve the archive the production way (gunicorn, DEBUG off, whitenoise) on 127.0.0.1, on a
scratch data folder, for load tests and benchmarks."""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(data_dir: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}  # a scratch SQLite, never a real DB
    if env.get("ARCHIVE_SEARCH_ENGINE") == "postgres":  # whose index needs the PostgreSQL database
        del env["ARCHIVE_SEARCH_ENGINE"]
    env.update({
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "ARCHIVE_DATA_DIR": str(data_dir),
        "DJANGO_LOG_LEVEL": "WARNING",
    })
    env.update(extra)
    return env


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)


def prepare(env: dict, pages: list[str]) -> None:
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    manage(env, "ingest", *pages)
    manage(env, "rebuild_index", "--noinput")


@dataclass
class Server:
    url: str
    env: dict
    process: subprocess.Popen


@contextlib.contextmanager
def gunicorn(pages: list[str] | None = None, workers: int = 2, data_dir: Path | None = None, env: dict | None = None,
             prepare_data: bool = True, error_log: Path | None = None, worker_timeout: int = 30):
    """A running gunicorn with ``pages`` ingested (or ``data_dir`` as it is, without
    ``prepare_data``); yields a Server and stops it afterwards. ``error_log``: where gunicorn
    writes its own log (a worker it kills for taking longer than ``worker_timeout`` seconds says
    WORKER TIMEOUT there)."""
    with contextlib.ExitStack() as stack:
        if data_dir is None:
            data_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="archive-serve-")))
        env = env or production_env(data_dir)
        if prepare_data:
            prepare(env, pages if pages is not None else [str(ROOT / "seeds")])
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",
             "--workers", str(workers), "--log-level", "warning", "--timeout", str(worker_timeout),
             *(["--error-logfile", str(error_log)] if error_log else [])],
            cwd=ROOT, env=env,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            wait_until_up(url, process)
            yield Server(url, env, process)
        finally:
            process.terminate()
            process.wait(timeout=30)


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url + "/", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds} s")
