"""Job kinds for the tests only (settings.test JOB_KINDS_EXTRA): the real worker runs
them like any app's kinds."""

import time
from pathlib import Path

from django import forms

from portal.job_kinds import JobKind
from portal.services.jobs import JobContext, JobFailed

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


JOB_KINDS = [
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
