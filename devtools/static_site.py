"""A static site on loopback (the browser uploader), with a few generated files beside it."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from devtools.ports import LOOPBACK, free_port


class _SiteHandler(SimpleHTTPRequestHandler):
    generated: Mapping[str, bytes] = {}

    def do_GET(self) -> None:
        name = self.path.split("?", 1)[0].lstrip("/")
        if name in self.generated:
            body = self.generated[name]
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def static_site(directory: Path, generated: Mapping[str, bytes], port: int | None = None) -> Iterator[str]:
    """Serve ``directory`` (plus ``generated`` files by name) on 127.0.0.1; yield the site's origin."""
    handler = functools.partial(type("Handler", (_SiteHandler,), {"generated": generated}), directory=str(directory))
    server = ThreadingHTTPServer((LOOPBACK, port or free_port()), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="static-site", daemon=True)
    thread.start()
    try:
        yield f"http://{LOOPBACK}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
