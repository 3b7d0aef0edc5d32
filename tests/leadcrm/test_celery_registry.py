"""The worker registers every scheduled task: autodiscovery in a fresh interpreter, as a
worker starts (importing a task module in the test process would hide a missing import)."""

import subprocess
import sys
from pathlib import Path

import pytest

from notifications.schedules import SCHEDULES

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.smoke
def test_every_scheduled_task_is_registered_by_autodiscovery():
    code = (
        "import django; django.setup(); "
        "from leadcrm.celery import app; app.loader.import_default_modules(); "
        "print('\\n'.join(sorted(app.tasks)))"
    )
    result = subprocess.run(  # noqa: S603 - fixed argv, no shell
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"DJANGO_SETTINGS_MODULE": "leadcrm.settings", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    registered = set(result.stdout.split())
    missing = {task for _name, task, _when in SCHEDULES} - registered
    assert not missing, (missing, result.stderr[-2000:])
