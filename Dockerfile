# Production-like image for LeadCRM (web, worker and beat all use it; see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# gettext: compilemessages at build time; tesseract (+ German) and poppler: business-card scan.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext tesseract-ocr tesseract-ocr-deu poppler-utils \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt requirements-sentry.txt ./
RUN pip install -r requirements.txt
# optional extra: error reports to Sentry (SENTRY_DSN); docker compose build --build-arg WITH_SENTRY=1
ARG WITH_SENTRY=0
RUN if [ "$WITH_SENTRY" = "1" ]; then pip install -r requirements-sentry.txt; fi

COPY . .

# Translations and static files are baked into the image. The secret is a build-time dummy;
# the real one comes from the environment at run time.
RUN DEBUG=False SECRET_KEY=build-only-dummy-secret-key-not-used-at-run-time-0123456789 ALLOWED_HOSTS=localhost \
        python manage.py compilemessages --ignore=static --ignore=staticfiles -v 0 \
    && DEBUG=False SECRET_KEY=build-only-dummy-secret-key-not-used-at-run-time-0123456789 ALLOWED_HOSTS=localhost \
        python manage.py collectstatic --noinput -v 0

RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home leadcrm \
    && mkdir -p /app/media /app/var /app/staticfiles \
    && chown -R leadcrm:leadcrm /app/media /app/var /app/staticfiles
USER leadcrm

EXPOSE 8000
ENTRYPOINT ["/app/docker/entrypoint.sh"]
# Meant to run behind the buffering proxy of docker-compose.yml (docker/nginx.conf): sync
# workers with a hard timeout, short keep-alive, recycled after a number of requests.
# One JSON line per request comes from the app (request_finished, with request and user
# id), so gunicorn's own access log is off.
CMD ["gunicorn", "leadcrm.wsgi", "--config", "docker/gunicorn.conf.py", \
     "--bind", "0.0.0.0:8000", "--workers", "2", \
     "--timeout", "60", "--graceful-timeout", "30", "--keep-alive", "5", \
     "--max-requests", "2000", "--max-requests-jitter", "200", \
     "--forwarded-allow-ips", "*"]
