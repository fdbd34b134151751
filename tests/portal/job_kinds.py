"""Job kinds for the tests only (settings.test JOB_KINDS_EXTRA): the real worker runs
them like any app's kinds."""

import time
from pathlib import Path

from django import forms
from django.db import OperationalError, connection, transaction

from portal.job_kinds import JobKind
from portal.services.jobs import JobContext, JobFailed, JobRetry

GATE_TIMEOUT_S = 60
# A permission no role holds: a test grants it to the person who starts these kinds, so
# that no page of another test lists them (their labels are not translated).
TEST_PERMISSION = "portal.delete_orgunit"


class GateForm(forms.Form):
    gate = forms.CharField(label="Gate file", max_length=500)
    steps = forms.IntegerField(label="Steps", min_value=1, max_value=20, required=False)


def gated(context: JobContext) -> None:
    """Reports 50 %, then waits until the file named ``gate`` exists (the test opens
    it), checking for a cancel all the while; then writes a result file."""
    context.log("Started.")
    context.progress(50, "Waiting at the gate")
    context.log("Waiting at the gate.")
    gate = Path(context.parameters["gate"])
    deadline = time.monotonic() + GATE_TIMEOUT_S
    while not gate.exists():
        context.check_cancelled()
        if time.monotonic() > deadline:
            raise JobFailed("The gate never opened.")
        time.sleep(0.05)
    context.log("The gate is open.", "warning")
    context.progress(90, "Writing the result")
    context.add_result(
        name="gated result.txt", content=b"through the gate\n", content_type="text/plain"
    )


def failing(context: JobContext) -> None:
    context.progress(20, "Reading the source")
    context.log("Reading the source.")
    raise JobFailed("The source file cannot be read: it is not UTF-8.")


def crashing(context: JobContext) -> None:
    context.progress(10, "Dividing")
    _ = 1 / 0


# The table the stepped kind writes its rows to; the tests create it (it is no model).
STEP_ROWS_TABLE = "tests_job_step_rows"


class StepsForm(forms.Form):
    steps = forms.IntegerField(label="Steps", min_value=1, max_value=100)
    rows_per_step = forms.IntegerField(label="Rows per step", min_value=1, max_value=1000)
    pause_s = forms.FloatField(label="Pause", min_value=0, max_value=5, required=False)


def stepped(context: JobContext) -> None:
    """Writes ``rows_per_step`` rows per step, each step with its counters and checkpoint
    in one transaction, then pauses (so that a test can kill its worker mid-way). A
    restarted job resumes at the step after its checkpoint: no row twice, none lost."""
    steps = int(context.parameters["steps"])
    per_step = int(context.parameters["rows_per_step"])
    pause = float(context.parameters.get("pause_s") or 0)
    first = int(context.checkpoint.get("next_step", 0))
    context.log(f"Starting at step {first + 1} of {steps}.")
    for step in range(first, steps):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO tests_job_step_rows (job_id, step, row) VALUES (%s, %s, %s)",
                [(context.job_id, step, row) for row in range(per_step)],
            )
            context.count(read=per_step, valid=per_step, created=per_step)
            context.save_checkpoint({"next_step": step + 1})
            context.items((step + 1) * per_step, steps * per_step, f"Step {step + 1} of {steps}")
        time.sleep(pause)


class FlakyForm(forms.Form):
    failures = forms.IntegerField(label="Failures", min_value=0, max_value=20)
    error = forms.ChoiceField(
        label="Error", choices=[("retry", "JobRetry"), ("database", "OperationalError")]
    )


def flaky(context: JobContext) -> None:
    """Fails transiently on its first ``failures`` attempts, then succeeds."""
    context.progress(10, "Calling the remote register")
    if context.attempt <= int(context.parameters["failures"]):
        if context.parameters["error"] == "database":
            raise OperationalError("server closed the connection unexpectedly")
        raise JobRetry("The remote register did not answer")
    context.count(read=1)
    context.log("The remote register answered.")


JOB_KINDS = [
    JobKind(
        name="tests.stepped",
        label="Stepped test job",
        run=stepped,
        permission=TEST_PERMISSION,
        form=StepsForm,
        queue="imports",
    ),
    JobKind(
        name="tests.flaky",
        label="Flaky test job",
        run=flaky,
        permission=TEST_PERMISSION,
        form=FlakyForm,
        queue="analytics",
        max_attempts=3,
    ),
    JobKind(
        name="tests.gated",
        label="Gated test job",
        run=gated,
        permission=TEST_PERMISSION,
        form=GateForm,
    ),
    JobKind(
        name="tests.failing", label="Failing test job", run=failing, permission=TEST_PERMISSION
    ),
    JobKind(
        name="tests.crashing", label="Crashing test job", run=crashing, permission=TEST_PERMISSION
    ),
]
