"""docs/deploy.md's backup and restore, checked: scripts/check-restore.sh seeds a throwaway
PostgreSQL database, dumps it with pg_dump, restores the dump into a new database, rebuilds
the derived data there and compares the two. Runs in the PostgreSQL pass of the suite."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "check-restore.sh"


def server_url() -> str:
    db = settings.DATABASES["default"]
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="runs in the PostgreSQL pass (make test-postgres), against its server",
)
def test_a_dump_restores_into_a_new_database_with_the_same_data():
    missing = [tool for tool in ("pg_dump", "pg_restore", "createdb") if not shutil.which(tool)]
    if missing:
        message = f"PostgreSQL client tools missing: {', '.join(missing)}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    result = subprocess.run(  # noqa: S603  (our own script, fixed arguments)
        [shutil.which("bash") or "/bin/bash", str(SCRIPT)],
        cwd=ROOT,
        env={**os.environ, "PG_URL": server_url(), "PYTHON": sys.executable},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "restore check passed" in result.stdout
    assert "lms.Assessment" in result.stdout and "search 压力" in result.stdout
