"""Benchmark: the extraction of documents' text (job ``cases.document_extract``: text,
suggestions, search entry) against the bare library reading the same file.

    .venv/bin/python bench/documents.py                    # a 200-page PDF and DOCX
    .venv/bin/python bench/documents.py --pages 40         # a shorter run

On its own database (``portal_bench_documents``; ``--database`` names another, which
must contain "bench": the script deletes what it made there before each run) it writes a
report of ``--pages`` pages as a PDF (WeasyPrint, as the case reports are made) and the
same paragraphs as a Word document (python-docx, a page break after each page's
paragraphs): an officer's prose in English and Lithuanian with what the suggestions look
for in it (phones, IBANs, plates, containers, MRNs, HS codes, dates in numbers and with
month names, names that the registry holds). Both are kept as documents of a case and
read by the real job, through the job core in this process (``job_run``: claimed,
reported per file, finished; no Celery, so nothing is queued on the shared broker): the
text extracted and kept, the suggestions found and written (the registry's names looked
up), the search entry refreshed. In the same run the same bytes are read by the library
alone: pypdf's ``extract_text`` page by page, python-docx's paragraphs and tables. Each
is run ``--runs`` times (the job's records put back to "waiting" between runs), medians
kept; printed: pages per second of each and the ratio (job / library).

The text limit (DOCUMENT_TEXT_MAX_CHARS) is raised above the document's text for the run,
so that the job reads every page, as the library does.

It prints the figures and, unless ``--no-docs``, puts them in docs/benchmarks.md under
"Documents" with the date, the command and the machine's load.
"""

from __future__ import annotations

import argparse
import gc
import io
import random
import shlex
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from html import escape
from typing import Any

import _common

DATABASE = "portal_bench_documents"
SECTION = "## Documents: text extraction, pages per second"
MARKER = "<!-- bench/documents.py appends below -->\n"
BENCH_USER = "bench-documents"
# A page of a report: a heading, three paragraphs of facts, seven of prose (~2,400
# characters, what an A4 page of a typed report holds).
PARAGRAPHS_PER_PAGE = 11
REGISTRY_PERSONS = 300


# --- The report ----------------------------------------------------------------------
FIRST = ["Jonas", "Tomas", "Rimas", "Asta", "Rūta", "Darius", "Eglė", "Mantas", "Ieva", "Paulius"]
LAST = ["Petraitis", "Kazlauskas", "Jankauskas", "Stankevičius", "Vasiliauskas", "Žukauskas"]
LT_MONTHS = ["sausio", "vasario", "kovo", "balandžio", "gegužės", "birželio"]
EN_MONTHS = ["January", "February", "March", "April", "May", "June"]
PROSE = [
    "The lorry was stopped at the second lane of the crossing point after the scanner "
    "showed a dense load behind the front wall of the trailer.",
    "Pareigūnai patikrino krovinio dokumentus ir nustatė, kad deklaruota prekė neatitinka "
    "krovinio, rasto puspriekabėje.",
    "The driver said the cargo had been loaded at a warehouse near the border and that he "
    "had not seen the goods himself.",
    "Vairuotojas paaiškino, kad krovinį pakrovė kiti asmenys, o jis tik gavo nurodymus telefonu.",
    "Payment for the transport was made in two parts, the second a day after the crossing, "
    "from an account the carrier had not used before.",
    "The seals of the container were intact, but the numbers on the papers did not match "
    "the ones on the doors.",
]


def _page(rng: random.Random, number: int, persons: list[str]) -> list[str]:
    day = date(2026, 1, 5) + timedelta(days=number % 150)
    plate = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVZ") for _ in range(3)) + f" {number % 900 + 100}"
    person = persons[number % len(persons)]
    facts = [
        f"On {day.day} {EN_MONTHS[day.month - 1]} {day.year} the vehicle {plate} was "
        f"checked; the driver, {person}, answered on +370 612 {34500 + number % 99:05d}.",
        f"{day.year} m. {LT_MONTHS[day.month - 1]} {day.day} d. mokėjimas pervestas į "
        "sąskaitą LT12 1000 0111 0100 1000, krovinys deklaruotas pagal HS kodą 2402.20.",
        f"Container CSQU3054383 and declaration 24LT00000000000017 were named in the letter "
        f"of {day.strftime('%d.%m.%Y')}; write to vezejas{number % 50}@example.lt.",
    ]
    prose = [rng.choice(PROSE) + " " + rng.choice(PROSE) for _ in range(PARAGRAPHS_PER_PAGE - 3)]
    return [f"Page {number + 1}.", *facts, *prose]


def pages_make(count: int, persons: list[str]) -> list[list[str]]:
    rng = random.Random(20261205)
    return [_page(rng, number, persons) for number in range(count)]


def pdf_of(pages: list[list[str]]) -> bytes:
    import logging

    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    body = "".join(
        '<section style="page-break-after: always">'
        + "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
        + "</section>"
        for paragraphs in pages
    )
    return HTML(string=f"<html><body>{body}</body></html>").write_pdf()


def pdf_page_count(content: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(content)).pages)


def docx_of(pages: list[list[str]]) -> bytes:
    import docx

    document = docx.Document()
    for paragraphs in pages:
        for paragraph in paragraphs:
            document.add_paragraph(paragraph)
        document.add_page_break()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- The runs --------------------------------------------------------------------------
def actor() -> Any:
    from portal.models import User

    user, _created = User.objects.get_or_create(
        username=BENCH_USER, defaults={"is_superuser": True, "is_staff": True}
    )
    return user


def made_before_deleted() -> None:
    """What an earlier run left: its cases (their documents, texts and suggestions go
    with them), jobs and registry persons."""
    from cases.models import Case, Entity
    from portal.models import Job

    user = actor()
    Case.objects.filter(created_by=user).delete()
    Job.objects.filter(owner=user).delete()
    Entity.objects.filter(created_by=user).delete()


def registry_persons(count: int) -> list[str]:
    """``count`` persons in the registry, every other one in capitals as a register
    writes them; returns the names (as prose writes them) the report mentions."""
    from cases.models import Entity

    user = actor()
    names = [f"{first} {last}" for last in LAST for first in FIRST]
    names = (names * (count // len(names) + 1))[:count]
    Entity.objects.bulk_create(
        [
            Entity(
                kind="Person",
                label=name.upper() if index % 2 else name,
                created_by=user,
                ftm_id=f"bench-doc-{index}",
            )
            for index, name in enumerate(names)
        ]
    )
    return sorted(set(names))


def document_keep(name: str, content: bytes, content_type: str) -> tuple[Any, Any]:
    """``content`` kept as the document of a case of its own: the suggestions are one
    per case and value, so a second document in the same case would write fewer."""
    from django.db import transaction

    from cases.services.documents.upload import document_store
    from cases.services.investigations import CaseInput, case_create

    user = actor()
    with transaction.atomic():
        case = case_create(actor=user, data=CaseInput(title=f"Bench: {name}"))
        document = document_store(
            actor=user, case=case, name=name, content=content, content_type=content_type
        )
    return case, document


def job_once(case: Any, document: Any) -> tuple[float, int, int]:
    """One run of the real job on ``document``: seconds, characters kept, suggestions."""
    from cases.models import DocumentSuggestion, DocumentText, ExtractionStatus
    from portal.models import Job, JobStatus
    from portal.services.jobs import job_run

    DocumentSuggestion.objects.filter(document=document).delete()
    DocumentText.objects.filter(document=document).update(
        status=ExtractionStatus.PENDING, text="", extracted_at=None
    )
    job = Job.objects.create(
        kind="cases.document_extract",
        owner=actor(),
        queue="imports",
        parameters={"case": case.pk, "documents": str(document.pk)},
    )
    started = time.perf_counter()
    status = job_run(job_id=job.pk)
    seconds = time.perf_counter() - started
    if status != JobStatus.SUCCEEDED:
        raise SystemExit(f"the job ended {status}: {Job.objects.get(pk=job.pk).error}")
    record = DocumentText.objects.get(document=document)
    return seconds, len(record.text), DocumentSuggestion.objects.filter(document=document).count()


def pypdf_once(content: bytes) -> tuple[float, int]:
    from pypdf import PdfReader

    started = time.perf_counter()
    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)
    return time.perf_counter() - started, len(text)


def docx_once(content: bytes) -> tuple[float, int]:
    import docx

    started = time.perf_counter()
    document = docx.Document(io.BytesIO(content))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    text = "\n".join(parts)
    return time.perf_counter() - started, len(text)


def measure(kind: str, content: bytes, pages: int, case: Any, document: Any, runs: int) -> dict:
    bare = pypdf_once if kind == "PDF" else docx_once
    # One run of each unmeasured (the modules imported, the caches warm); then
    # interleaved, so that a change in the machine's load falls on both alike.
    job_once(case, document)
    bare(content)
    job_times, bare_times = [], []
    job_last: tuple[float, int, int] = (0.0, 0, 0)
    bare_last: tuple[float, int] = (0.0, 0)
    for _ in range(runs):
        # The garbage of the one run collected before the other is timed: else it
        # falls on whichever comes next (pypdf makes many small objects).
        gc.collect()
        job_last = job_once(case, document)
        gc.collect()
        bare_last = bare(content)
        job_times.append(job_last[0])
        bare_times.append(bare_last[0])
    job_s, bare_s = statistics.median(job_times), statistics.median(bare_times)
    figures = {
        "kind": kind,
        "pages": pages,
        "size_kb": len(content) / 1024,
        "job_s": job_s,
        "bare_s": bare_s,
        "job_rate": pages / job_s,
        "bare_rate": pages / bare_s,
        "ratio": (pages / job_s) / (pages / bare_s),
        "chars": job_last[1],
        "bare_chars": bare_last[1],
        "suggestions": job_last[2],
    }
    print(f"{kind}: {figures}", flush=True)
    return figures


def report(args: argparse.Namespace, figures: dict[str, Any]) -> str:
    rows = []
    for item in figures["results"]:
        library = "pypdf extract_text" if item["kind"] == "PDF" else "python-docx paragraphs"
        rows += [
            f"| {item['kind']}: the job (text, suggestions, search entry) | "
            f"{item['job_rate']:,.1f} pages/s ({item['job_s']:.2f} s) | "
            f"{item['chars']:,} characters, {item['suggestions']} suggestions |",
            f"| {item['kind']}: {library} alone | {item['bare_rate']:,.1f} pages/s "
            f"({item['bare_s']:.2f} s) | "
            f"{item['bare_chars']:,} characters |",
            f"| {item['kind']}: job / library | {item['ratio']:.2f} | "
            f"{item['size_kb']:,.0f} KB file |",
        ]
    return "\n".join(
        [
            f"### {figures['date']}: {args.pages} pages, {args.runs} runs",
            "",
            f"`{figures['command']}` on {_common.machine()}; load average (1, 5, 15 min) "
            f"{figures['load_before']} before, {figures['load_after']} after "
            "(2 CPUs shared with other sessions). Medians of the runs.",
            "",
            "| measure | figure | |",
            "|---|---|---|",
            *rows,
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5, help="runs of each, medians kept")
    parser.add_argument("--database", default=DATABASE)
    parser.add_argument("--no-docs", action="store_true", help="print only")
    args = parser.parse_args()
    url = _common.database_url(args.database, "the benchmark deletes what it made there")
    with tempfile.TemporaryDirectory(prefix="bench-documents-") as media:
        # The documents' files in a temporary folder, never the project's media.
        _common.django_on(url, MEDIA_ROOT=media)
        from django.conf import settings

        from cases.services.documents import kinds

        figures: dict[str, Any] = {
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "command": shlex.join([".venv/bin/python", "bench/documents.py", *sys.argv[1:]]),
            "load_before": _common.load_average(" "),
        }
        made_before_deleted()
        persons = registry_persons(REGISTRY_PERSONS)
        pages = pages_make(args.pages, persons)
        started = time.perf_counter()
        pdf, word = pdf_of(pages), docx_of(pages)
        pdf_pages = pdf_page_count(pdf)
        if pdf_pages != args.pages:
            raise SystemExit(f"the PDF came out with {pdf_pages} pages, not {args.pages}")
        print(
            f"{args.pages} pages written: PDF {len(pdf) / 1024:,.0f} KB, DOCX "
            f"{len(word) / 1024:,.0f} KB, in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        total_chars = sum(len(p) + 1 for paragraphs in pages for p in paragraphs)
        settings.DOCUMENT_TEXT_MAX_CHARS = max(kinds.max_text_chars(), 2 * total_chars)
        figures["results"] = [
            measure(
                "PDF", pdf, args.pages, *document_keep("report.pdf", pdf, kinds.PDF), args.runs
            ),
            measure(
                "DOCX", word, args.pages, *document_keep("report.docx", word, kinds.DOCX), args.runs
            ),
        ]
        figures["load_after"] = _common.load_average(" ")
        made_before_deleted()
    section = report(args, figures)
    print(section)
    if not args.no_docs:
        _common.write_section(SECTION, MARKER, section)


if __name__ == "__main__":
    main()
