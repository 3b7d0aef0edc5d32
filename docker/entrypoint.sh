#!/bin/sh
# Container entrypoint. Every container runs the system checks first; the web container
# (command starting with gunicorn) applies migrations and collects static files before
# starting; worker and beat just start.
set -eu
# every process refuses to start on an unsafe configuration (e.g. the development
# ANYMAIL_WEBHOOK_SECRET with DEBUG=False: system check leadcrm.E001 in ui/checks.py)
python manage.py check --fail-level ERROR
if [ "${1:-}" = "gunicorn" ]; then
    python manage.py migrate --noinput
    python manage.py collectstatic --noinput -v 0
fi
exec "$@"
