"""Build ``build/lambda.zip``: the runtime package only, byte-identical for the same source.

Reproducible means: entries sorted, every timestamp fixed, fixed permissions and the same
compression, so ``terraform plan`` shows no change after a rebuild of unchanged code.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from devtools import LAMBDA_SRC, PACKAGE_ZIP, write_atomically

RUNTIME_PACKAGE = "upload_api"
# The earliest time a zip can hold; any fixed value would do.
FIXED_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o100644  # a regular file, rw-r--r--


@dataclass(frozen=True)
class PackageInfo:
    """What was built: where, its size, and its digests in the two forms tools show."""

    path: Path
    size: int
    sha256_hex: str

    @property
    def sha256_base64(self) -> str:
        """The form Lambda reports as ``CodeSha256`` and Terraform as ``source_code_hash``."""
        return base64.b64encode(bytes.fromhex(self.sha256_hex)).decode()


def runtime_files(source_root: Path = LAMBDA_SRC) -> list[Path]:
    """The files that belong in the zip: the package's Python sources and data, no caches."""
    package_dir = source_root / RUNTIME_PACKAGE
    files = [
        path
        for path in package_dir.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix not in {".pyc", ".pyo"}
    ]
    return sorted(files, key=lambda path: path.relative_to(source_root).as_posix())


def build(output: Path = PACKAGE_ZIP, source_root: Path = LAMBDA_SRC) -> PackageInfo:
    """Write the zip to ``output`` (atomically: other sessions may build it at the same time) and
    describe it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in runtime_files(source_root):
            entry = zipfile.ZipInfo(path.relative_to(source_root).as_posix(), date_time=FIXED_TIMESTAMP)
            entry.external_attr = FILE_MODE << 16
            entry.create_system = 3  # Unix, so the permissions above are read as such
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, path.read_bytes(), compresslevel=9)
    data = buffer.getvalue()
    output.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(output, data)
    return PackageInfo(path=output, size=len(data), sha256_hex=hashlib.sha256(data).hexdigest())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=PACKAGE_ZIP)
    info = build(parser.parse_args().output)
    print(f"{info.path}: {info.size} bytes, sha256 {info.sha256_hex} (base64 {info.sha256_base64})")


if __name__ == "__main__":
    main()
