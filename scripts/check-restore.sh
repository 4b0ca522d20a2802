#!/usr/bin/env bash
# Backup and restore, checked end to end (docs/deploy.md, "Backups"):
#   1. migrate and seed a throwaway PostgreSQL database;
#   2. back it up with pg_dump (custom format), as the nightly backup does;
#   3. restore the dump into a second, new database with pg_restore;
#   4. rebuild what is derived there (search index, analytics summaries);
#   5. compare the two: row counts of the tables that matter, every assessment decrypts,
#      and search finds the same courses.
# Both databases are dropped at the end. Needs pg_dump/pg_restore/createdb/dropdb of the
# server's major version (Debian: postgresql-client) and a superuser on PG_URL.
#
#   scripts/check-restore.sh            (PG_URL defaults to postgres://postgres@127.0.0.1:5432)
set -euo pipefail
cd "$(dirname "$0")/.."

PG_URL="${PG_URL:-postgres://postgres@127.0.0.1:5432}"
PYTHON="${PYTHON:-.venv/bin/python}"
SOURCE="xinyu_restore_src_$$"
TARGET="xinyu_restore_dst_$$"
WORK="$(mktemp -d)"
export DJANGO_SETTINGS_MODULE=config.settings.dev
export MEDIA_ROOT="$WORK/media" PRIVATE_MEDIA_ROOT="$WORK/private-media"

cleanup() {
  dropdb --if-exists --maintenance-db="$PG_URL/postgres" "$SOURCE" || true
  dropdb --if-exists --maintenance-db="$PG_URL/postgres" "$TARGET" || true
  rm -rf "$WORK"
}
trap cleanup EXIT

summary() {
  DATABASE_URL="$PG_URL/$1" "$PYTHON" manage.py shell -v0 -c '
from django.apps import apps
from lms.models.assessment import Assessment
from search.backends import get_search_backend
from search.backends.base import SearchQuery
for label in ["lms.CadreProfile", "lms.Department", "lms.Enrollment", "lms.LessonProgress",
              "lms.QuizAttempt", "lms.CreditRecord", "lms.Certificate", "lms.Assessment",
              "lms.AssessmentConsent", "lms.FollowUp", "lms.Campaign", "courses.CoursePage",
              "courses.LessonPage", "wagtailcore.Revision", "auth.User"]:
    print(label, apps.get_model(label).objects.count())
# The fields decrypt as they load: a key missing on this machine fails here.
print("assessments that decrypt", sum(1 for a in Assessment.objects.all() if a.scores))
hits = get_search_backend().search(SearchQuery(text="压力", page_size=50)).hits
print("search 压力", sorted(hit.course_id for hit in hits))
'
}

echo "[1/5] seeding $SOURCE"
createdb --maintenance-db="$PG_URL/postgres" "$SOURCE"
DATABASE_URL="$PG_URL/$SOURCE" "$PYTHON" manage.py migrate --noinput -v0
DATABASE_URL="$PG_URL/$SOURCE" "$PYTHON" manage.py seed_demo --cadres 60 --password restore-check-1 >/dev/null

echo "[2/5] pg_dump"
pg_dump --format=custom --no-owner --dbname="$PG_URL/$SOURCE" --file="$WORK/xinyu.dump"
echo "      $(du -h "$WORK/xinyu.dump" | cut -f1) dump"

echo "[3/5] pg_restore into $TARGET"
createdb --maintenance-db="$PG_URL/postgres" "$TARGET"
pg_restore --no-owner --exit-on-error --dbname="$PG_URL/$TARGET" "$WORK/xinyu.dump"

echo "[4/5] rebuilding derived data"
DATABASE_URL="$PG_URL/$TARGET" "$PYTHON" manage.py migrate --noinput -v0 --check
DATABASE_URL="$PG_URL/$TARGET" "$PYTHON" manage.py lms_reindex >/dev/null
DATABASE_URL="$PG_URL/$TARGET" "$PYTHON" manage.py build_analytics >/dev/null

echo "[5/5] comparing"
summary "$SOURCE" > "$WORK/source.txt"
summary "$TARGET" > "$WORK/target.txt"
if ! diff -u "$WORK/source.txt" "$WORK/target.txt"; then
  echo "restore check FAILED: the restored database differs (above)"
  exit 1
fi
if ! grep -q "^lms.Assessment [1-9]" "$WORK/target.txt"; then
  echo "restore check FAILED: the seeded database has no assessments to compare"
  exit 1
fi
cat "$WORK/target.txt" | sed 's/^/      /' | head -20
echo "restore check passed"
