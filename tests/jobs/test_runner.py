"""The job runner: start, progress, cancel between batches, done, failed, run twice."""

import pytest
from django.db import OperationalError
from django.db import connection as _connection

from jobs import runner
from jobs.models import Job, JobState
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
connection_cursor = _connection.cursor


def _job(**fields):
    return runner.job_create(kind="test", title="Test", user=UserFactory(), total=4, **fields)


def _batches(seen: list, n: int = 4):
    """Work of `n` one-item batches, resuming after `done`, checking for a cancel first."""

    def work(run):
        for i in range(run.job.done, n):
            run.checkpoint()
            seen.append(i)
            run.progress(done=i + 1, result={"last": i})

    return work


def test_start_creates_a_pending_row():
    job = _job(params={"x": 1})
    job.refresh_from_db()
    assert (job.state, job.total, job.done, job.params) == (JobState.PENDING, 4, 0, {"x": 1})


def test_run_reports_progress_and_ends_done():
    job = _job()
    states = []

    def work(run):
        states.append(Job.objects.get(pk=job.pk).state)
        _batches([])(run)

    assert runner.job_run(job=job.pk, work=work) == JobState.DONE
    job.refresh_from_db()
    assert states == [JobState.RUNNING]
    assert (job.state, job.done, job.percent, job.result) == (JobState.DONE, 4, 100, {"last": 3})
    assert job.finished_at is not None


def test_complete_sets_done_and_result():
    job = _job()
    runner.job_run(job=job, work=lambda run: run.complete(done=4, result={"Angelegt": 4}))
    job.refresh_from_db()
    assert (job.state, job.done, job.result) == (JobState.DONE, 4, {"Angelegt": 4})


def test_cancel_stops_between_batches():
    job = _job()
    seen = []

    def work(run):
        for i in range(4):
            run.checkpoint()
            seen.append(i)
            run.progress(done=i + 1)
            if i == 1:
                assert runner.job_request_cancel(job=Job.objects.get(pk=job.pk))

    assert runner.job_run(job=job.pk, work=work) == JobState.CANCELLED
    job.refresh_from_db()
    assert seen == [0, 1]
    assert (job.state, job.done) == (JobState.CANCELLED, 2)
    assert job.finished_at is not None


def test_failure_is_recorded_and_reraised():
    job = _job()

    def work(run):
        run.progress(done=1)
        raise ValueError("kaputt")

    with pytest.raises(ValueError):
        runner.job_run(job=job.pk, work=work)
    job.refresh_from_db()
    assert (job.state, job.error, job.done) == (JobState.FAILED, "kaputt", 1)


def test_failure_with_own_message_not_reraised():
    job = _job()

    def work(run):
        raise ValueError("x")

    state = runner.job_run(
        job=job.pk, work=work, error_message=lambda exc: "Fehlgeschlagen.", reraise=False
    )
    job.refresh_from_db()
    assert state == JobState.FAILED and job.error == "Fehlgeschlagen."


def test_transient_error_goes_back_to_pending_for_the_retry():
    job = _job()

    def work(run):
        raise OperationalError("server closed the connection")

    with pytest.raises(OperationalError):
        runner.job_run(job=job.pk, work=work)
    job.refresh_from_db()
    assert job.state == JobState.PENDING and not job.is_finished


def test_running_twice_resumes_then_is_a_no_op():
    job = _job()
    seen = []

    class Crash(BaseException):
        pass

    def crashing(run):
        run.progress(done=2)  # two batches committed, then the worker dies
        seen.extend([0, 1])
        raise Crash

    with pytest.raises(Crash):
        runner.job_run(job=job.pk, work=crashing)
    job.refresh_from_db()
    assert job.state == JobState.RUNNING  # the lost run left it running
    assert runner.job_run(job=job.pk, work=_batches(seen)) == JobState.DONE
    assert seen == [0, 1, 2, 3]  # resumed after the committed batches, none twice
    assert runner.job_run(job=job.pk, work=_batches(seen)) == runner.SKIPPED
    assert seen == [0, 1, 2, 3]
    assert runner.job_run(job=999_999, work=_batches(seen)) == runner.SKIPPED


def test_resume_a_failed_or_cancelled_job():
    job = _job()
    runner.job_run(job=job, work=lambda run: 1 / 0, reraise=False)
    assert runner.job_resume(job=job)
    job.refresh_from_db()
    assert (job.state, job.error, job.finished_at) == (JobState.PENDING, "", None)
    assert runner.job_run(job=job.pk, work=_batches([])) == JobState.DONE
    assert not runner.job_resume(job=job)  # a done job is not resumed
    assert not runner.job_request_cancel(job=job)  # nor cancelled


def test_a_second_delivery_while_the_job_runs_is_busy_and_touches_nothing():
    """Two workers got the same message: the one that finds the run lock taken ends."""
    from django.db import connections

    job = _job()
    other = connections.create_connection("default")  # another worker's session
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [runner._LOCK_SPACE, job.pk])
        seen = []
        assert runner.job_run(job=job.pk, work=_batches(seen)) == runner.BUSY
        assert seen == []
        job.refresh_from_db()
        assert (job.state, job.done) == (JobState.PENDING, 0)
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [runner._LOCK_SPACE, job.pk])
        assert runner.job_run(job=job.pk, work=_batches(seen)) == JobState.DONE
        assert seen == [0, 1, 2, 3]
    finally:
        other.close()


def test_the_run_lock_is_released_after_a_failure():
    job = _job()

    def boom(run):
        raise ValueError("kaputt")

    assert runner.job_run(job=job, work=boom, reraise=False) == JobState.FAILED
    with connection_cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = %s", [job.pk]
        )
        assert cursor.fetchone()[0] == 0
