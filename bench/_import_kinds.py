"""The trivial job kind of bench/import_rows.py (JOB_KINDS_EXTRA=bench._import_kinds in
the benchmark's worker and process only): it does nothing, so that its round trip is the
job core's own cost."""

from portal.job_kinds import JobKind
from portal.services.jobs import JobContext


def nothing(context: JobContext) -> None:
    """Nothing: the job core claims, runs and finishes the job around it."""


JOB_KINDS = [
    JobKind(
        name="bench.nothing",
        label="Benchmark: nothing",
        run=nothing,
        permission="cases.import_entities",
        queue="default",
    )
]
