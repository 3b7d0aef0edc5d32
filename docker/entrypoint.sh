#!/bin/sh
# Container entrypoint. The web container (command starting with gunicorn) applies
# migrations and collects static files before starting; worker and beat just start.
set -eu
if [ "${1:-}" = "gunicorn" ]; then
    python manage.py migrate --noinput
    python manage.py collectstatic --noinput -v 0
fi
exec "$@"
