"""Build ``build/lambda.zip``: the runtime package only, byte-identical for the same source.

Reproducible means: entries sorted, every timestamp fixed, fixed permissions and the same
compression, so ``terraform plan`` shows no change after a rebuild of unchanged code.

The zip carries, beside each source file, its bytecode for every Lambda runtime the Terraform
accepts (``__pycache__/<module>.cpython-312.pyc`` and ``.cpython-313.pyc``): Lambda's ``/var/task``
is read-only, so without them every cold start compiles the package (three quarters of its cold
start or more, docs/performance.md). They are compiled by one pinned CPython release per runtime
(:data:`devtools.pythons.BYTECODE_COMPILERS`) with ``unchecked-hash`` invalidation: no source
timestamp in them, and the runtime loads them without reading the source again.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from devtools import LAMBDA_SRC, PACKAGE_ZIP, write_atomically
from devtools.pythons import BYTECODE_COMPILERS, bytecode_compiler

RUNTIME_PACKAGE = "upload_api"
# The earliest time a zip can hold; any fixed value would do.
FIXED_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o100644  # a regular file, rw-r--r--
# Run by each pinned compiler: ``<source root> <output dir> <relative path>...``. The recorded
# file name is the relative path (the runtime replaces it with the real one when it loads the
# file), so where the sources lie leaves no trace; PYTHONHASHSEED=0 fixes the order of set
# constants. Unchecked hash: the runtime never compares the .pyc against the source.
COMPILE = """
import py_compile, sys
from pathlib import Path
source_root, output = Path(sys.argv[1]), Path(sys.argv[2])
for name in sys.argv[3:]:
    py_compile.compile(
        str(source_root / name), cfile=str(output / name), dfile=name, doraise=True, optimize=0,
        invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
    )
"""


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


def bytecode_name(source: str, runtime: str) -> str:
    """Where ``runtime`` (``3.13``) looks for the bytecode of ``source`` (``upload_api/app.py``)."""
    directory, _, file_name = source.rpartition("/")
    tag = "cpython-" + runtime.replace(".", "")
    return f"{directory}/__pycache__/{file_name.removesuffix('.py')}.{tag}.pyc"


def compile_bytecode(sources: list[str], source_root: Path, runtime: str) -> dict[str, bytes]:
    """The bytecode of each of ``sources`` (paths relative to ``source_root``) for ``runtime``,
    by name in the zip, compiled by the runtime's pinned CPython (MissingInterpreter without it)."""
    python = bytecode_compiler(runtime)
    python_sources = [name for name in sources if name.endswith(".py")]
    with tempfile.TemporaryDirectory(prefix="lambda-pyc-") as output:
        subprocess.run(
            [python, "-S", "-c", COMPILE, str(source_root), output, *python_sources],
            env={"PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1"},
            check=True,
            timeout=120,
        )
        return {bytecode_name(name, runtime): (Path(output) / name).read_bytes() for name in python_sources}


def build(output: Path = PACKAGE_ZIP, source_root: Path = LAMBDA_SRC) -> PackageInfo:
    """Write the zip to ``output`` (atomically: other sessions may build it at the same time) and
    describe it."""
    sources = [path.relative_to(source_root).as_posix() for path in runtime_files(source_root)]
    contents = {name: (source_root / name).read_bytes() for name in sources}
    for runtime in BYTECODE_COMPILERS:
        contents.update(compile_bytecode(sources, source_root, runtime))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(contents):
            entry = zipfile.ZipInfo(name, date_time=FIXED_TIMESTAMP)
            entry.external_attr = FILE_MODE << 16
            entry.create_system = 3  # Unix, so the permissions above are read as such
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, contents[name], compresslevel=9)
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
