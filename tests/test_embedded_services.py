"""The fresh-machine path of the suite (tests/embedded_services.py), run for real: pytest in
a subprocess with DATABASE_URL and TEST_REDIS_URL at closed loopback ports. Outside CI it
starts throwaway PostgreSQL and Redis from their wheels, says so in one line, and a
PostgreSQL-only test and a real Celery worker pass on them; under CI=true the same closed
ports fail the run. Runs once per `make test`, in the SQLite pass (it brings its own
servers); about 45 seconds."""

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]
PYTEST = str(Path(sys.executable).with_name("pytest"))
POSTGRES_TEST = "tests/lms/assessments/test_audit_integrity.py::test_the_trigger_is_installed"
WORKER_TEST = (
    "tests/search/test_celery_worker.py"
    "::test_a_real_worker_indexes_a_course_from_an_id_only_message"
)
REDIS_TEST = "tests/test_single_beat.py::test_only_the_lease_holder_sends_and_another_takes_over"

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql",
    reason="runs once, in the SQLite pass; it starts PostgreSQL of its own",
)


def closed_port() -> int:
    """A loopback port nothing listens on (it was free a moment ago)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_pytest(*selection, **env) -> tuple[int, str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"CI", "DATABASE_URL", "TEST_REDIS_URL", "PYTEST_ADDOPTS"}
    }
    result = subprocess.run(  # noqa: S603  (our own test run)
        [PYTEST, *selection],
        cwd=ROOT,
        env={**environment, **env},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    return result.returncode, result.stdout + result.stderr


def summary(output: str) -> str:
    """pytest's last line: '2 passed in 30.1s' and the like."""
    return output.strip().splitlines()[-1]


def processes_under(folder: str) -> list[str]:
    """Processes whose working directory is in the folder: the servers run from there."""
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            cwd = os.readlink(proc / "cwd")
        except OSError:
            continue
        if cwd.startswith(folder):
            found.append(f"{proc.name} {cwd}")
    return found


def test_closed_ports_get_throwaway_servers_and_the_tests_pass_on_them():
    postgres, redis = closed_port(), closed_port()
    code, output = run_pytest(
        POSTGRES_TEST,
        WORKER_TEST,
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{postgres}/xinyu",
        TEST_REDIS_URL=f"redis://127.0.0.1:{redis}/15",
    )
    assert code == 0, output[-5000:]
    # Both ran and passed: a skip (no Redis, no PostgreSQL) is not the path working.
    assert " 2 passed" in summary(output), output[-3000:]
    assert not re.search("skipped|failed|error", summary(output)), output[-3000:]
    [notice] = [line for line in output.splitlines() if line.startswith("Nothing answers")]
    assert notice.startswith(
        f"Nothing answers at 127.0.0.1:{postgres} / 127.0.0.1:{redis}: using throwaway "
        "PostgreSQL and Redis from PyPI wheels in "
    )
    folder = re.search(r" in (/\S+), stopped at the end", notice).group(1)
    assert not Path(folder).exists()
    assert processes_under(folder) == []


@pytest.mark.parametrize(
    ("selection", "service", "error"),
    [
        (POSTGRES_TEST, "DATABASE_URL", "Connection refused"),
        (REDIS_TEST, "TEST_REDIS_URL", "Redis is not reachable"),
    ],
    ids=["postgresql", "redis"],
)
def test_under_ci_a_closed_port_fails_the_run(selection, service, error):
    port = closed_port()
    url = {
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{port}/xinyu",
        "TEST_REDIS_URL": f"redis://127.0.0.1:{port}/15",
    }[service]
    code, output = run_pytest(selection, CI="true", **{service: url})
    assert code == 1, output[-3000:]
    assert " 1 error" in summary(output), output[-3000:]
    assert not re.search("passed|skipped", summary(output)), output[-3000:]
    assert error in output and str(port) in output
    assert "Nothing answers" not in output
