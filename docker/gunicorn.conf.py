"""gunicorn hooks for the Prometheus metrics of several workers (leadcrm/metrics.py).

With PROMETHEUS_MULTIPROC_DIR set, every worker writes its counters to files there and
/metrics sums them; the directory is emptied when gunicorn starts (stale files of a
previous run would be counted again) and a dead worker's live gauges are dropped.
"""

import os
import shutil
from pathlib import Path


def on_starting(server):
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        Path(folder).mkdir(parents=True, exist_ok=True)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
