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
    # URL path prefixes ("uppy/") served from other directories, longest first.
    mounts: Mapping[str, Path] = {}

    def translate_path(self, path: str) -> str:
        for prefix, directory in self.mounts.items():
            if path.startswith(f"/{prefix}"):
                # The base class's translation (it drops "..", and "." segments), from that directory.
                served = self.directory
                self.directory = str(directory)
                try:
                    return super().translate_path(path[len(prefix) :])
                finally:
                    self.directory = served
        return super().translate_path(path)

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
def static_site(
    directory: Path, generated: Mapping[str, bytes], port: int | None = None, mounts: Mapping[str, Path] | None = None
) -> Iterator[str]:
    """Serve ``directory`` (plus ``generated`` files by name, and each of ``mounts``' directories
    under its URL prefix, such as ``{"uppy/": path}``) on 127.0.0.1; yield the site's origin."""
    ordered = dict(sorted((mounts or {}).items(), key=lambda mount: -len(mount[0])))
    attributes = {"generated": generated, "mounts": ordered}
    handler = functools.partial(type("Handler", (_SiteHandler,), attributes), directory=str(directory))
    server = ThreadingHTTPServer((LOOPBACK, port or free_port()), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="static-site", daemon=True)
    thread.start()
    try:
        yield f"http://{LOOPBACK}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
