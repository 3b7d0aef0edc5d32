"""Container health probe: GET a health URL of the local gunicorn (default readiness).

    python docker/healthcheck.py [/health/ready/]

Sends the first ALLOWED_HOSTS entry as Host and X-Forwarded-Proto: https (the container
sits behind the proxy, TRUSTED_PROXY_COUNT=1), so neither the host check nor the HTTPS
redirect answer instead of the app. Exit 0 on 200, else 1. HEALTHCHECK_BASE_URL overrides
the address (default http://127.0.0.1:8000, gunicorn in the container).
"""

import os
import sys
import urllib.error
import urllib.request

path = sys.argv[1] if len(sys.argv) > 1 else "/health/ready/"
host = (os.environ.get("ALLOWED_HOSTS", "localhost").split(",")[0].strip() or "localhost").lstrip(
    "."
)
if host == "*":
    host = "localhost"
request = urllib.request.Request(  # noqa: S310 - fixed loopback URL
    os.environ.get("HEALTHCHECK_BASE_URL", "http://127.0.0.1:8000") + path,
    headers={"Host": host, "X-Forwarded-Proto": "https", "Accept": "application/json"},
)
try:
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
        sys.exit(0 if response.status == 200 else 1)
except (urllib.error.URLError, OSError):
    sys.exit(1)
