#!/bin/sh
# Container entrypoint. Every container runs the system checks first. Migrations run once,
# in the one-off `migrate` service of docker-compose.yml (web, worker and beat start only
# after it completed successfully), never in every web container: two web containers
# migrating at once race, and a rolling start would serve old code on a new schema.
# The web container (command starting with gunicorn) collects static files and prepares
# the directory of the Prometheus metrics shared by its workers.
set -eu
# every process refuses to start on an unsafe configuration (e.g. the development
# ANYMAIL_WEBHOOK_SECRET with DEBUG=False: system check leadcrm.E001 in ui/checks.py)
python manage.py check --fail-level ERROR
if [ "${1:-}" = "gunicorn" ]; then
    python manage.py collectstatic --noinput -v 0
fi
exec "$@"
