"""The ``serve`` command: the web app on uvicorn, on this machine only unless asked."""

from __future__ import annotations

import argparse
import socket
import threading
import webbrowser
from collections.abc import Callable
from typing import Any, TextIO

from formcheck.cli.history import add_history_options, history_path
from formcheck.core.errors import UsageError
from formcheck.pose import create_estimator
from formcheck.reports.report import CAUTION

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8750
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def add_serve_parser(sub: Any, add_pose_options: Callable[[argparse.ArgumentParser], None]) -> None:
    s = sub.add_parser(
        "serve",
        help="the web app: live coaching, upload and analyse, history (in the browser)",
        description="Start formcheck's web app and open it in the browser. It listens on this machine only "
        "unless --host says otherwise; then it needs the token it prints.",
    )
    s.add_argument(
        "--host", default=DEFAULT_HOST, help="address to listen on (default: %(default)s, this machine only)"
    )
    s.add_argument("--port", type=int, default=DEFAULT_PORT, help="port (default: %(default)s)")
    s.add_argument("--no-browser", action="store_true", help="do not open the browser")
    s.add_argument(
        "--max-upload-mb", type=int, default=500, metavar="MB", help="largest video upload (default: %(default)s MB)"
    )
    add_history_options(s)
    add_pose_options(s)


def _listen(host: str, port: int) -> socket.socket:
    """Bind now, so a port in use is a one-line error rather than a server log."""
    if not 0 < port < 65536:
        raise UsageError(f"--port must be from 1 to 65535, got {port}")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    return sock


def run_serve(args: argparse.Namespace, out: TextIO) -> None:
    import uvicorn  # imported here: the other commands do not need the web stack

    from formcheck.web.app import WebConfig, create_app, new_token

    if args.max_upload_mb < 1:
        raise UsageError("--max-upload-mb must be at least 1")
    token = None if args.host in LOCAL_HOSTS else new_token()
    history = history_path(args)
    config = WebConfig(
        lambda: create_estimator(args.backend, args.model), history, token, args.max_upload_mb * 1024 * 1024
    )
    sock = _listen(args.host, args.port)
    shown = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    url = f"http://{shown if ':' not in shown else f'[{shown}]'}:{args.port}/" + (f"?token={token}" if token else "")
    print(f"Caution: {CAUTION}", file=out)
    print(f"formcheck web app: {url}", file=out)
    if token:
        print(f"  listening on {args.host}: other machines need the token in the address: {token}", file=out)
    print(f"  history: {history if history is not None else 'off (--no-history)'}", file=out)
    print("  Ctrl-C stops it.", file=out, flush=True)
    if not args.no_browser:
        threading.Timer(1.0, webbrowser.open, (url,)).start()
    server = uvicorn.Server(uvicorn.Config(create_app(config), log_level="warning", ws_max_size=8 * 1024 * 1024))
    server.run(sockets=[sock])
