"""Benchmark: the search box over 1,000,000 texts.

    .venv/bin/python bench/search.py                 # database portal_bench_search
    .venv/bin/python bench/search.py --scale 0.05    # a twentieth of it, a quick look

Fills its own database (on the server of DATABASE_URL) with ``--texts`` entries of the
search index (cases_searchentry, loaded with psycopg 3 COPY; the stored search vector
is computed by PostgreSQL as the rows arrive): violation narratives of 20 to 120 words
mixing Lithuanian and English sentences as officers write them (goods, places, plates,
vehicles, what was found where), and entity names (Lithuanian, Latin and Cyrillic
people, companies) with their identifiers. Then it times, as an analyst (the selector's
real reach, search_for_user: the capped ranked page with snippets and the facet counts):

- rare queries, what an analyst types most: a plate, a reference, a company's name;
- frequent ones, each in 1 to 7 % of the texts: a surname, a place, words together;
- very common words, each in a large share of the texts ("cigarettes", "vairuotojas",
  "the driver", "kontrabanda");
- names misspelt or in another alphabet (trigram matching: "Zhukov", "Kazlauskis");

each beside the bare SQL of the same calls (the statements the selector sent, recorded
once and replayed through a plain cursor) in interleaved rounds. Figures are printed and
written to the "Search" section of docs/benchmarks.md. The script empties the search
index, so it refuses a database whose name does not contain "bench".
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import _common
import _dispatch
import _timing

DATABASE = "portal_bench_search"
APPEND_MARKER = "<!-- bench/search.py appends below -->"

FIRST = [
    "Jonas",
    "Petras",
    "Tomas",
    "Andrius",
    "Mindaugas",
    "Rūta",
    "Aušra",
    "Eglė",
    "Darius",
    "Vytautas",
    "Ieva",
    "Žydrūnas",
    "Giedrius",
    "Laura",
    "Kęstutis",
]
LAST = [
    "Kazlauskas",
    "Šimkus",
    "Petrauskas",
    "Jankauskas",
    "Žukauskas",
    "Butkus",
    "Paulauskas",
    "Vasiliauskas",
    "Balčiūnas",
    "Urbonas",
    "Navickas",
    "Stankevičius",
    "Ramanauskas",
    "Žemaitis",
    "Mockus",
    "Grigaliūnas",
    "Sadauskas",
    "Vaitkus",
]
CYRILLIC = [
    "Жуков",
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Соколов",
    "Лебедев",
    "Козлов",
    "Новиков",
    "Морозов",
    "Волков",
    "Алексеев",
    "Павлов",
    "Семёнов",
]
CYRILLIC_FIRST = ["Андрей", "Сергей", "Дмитрий", "Алексей", "Игорь", "Олег", "Павел"]
COMPANY = [
    "Baltic Freight",
    "Amber Logistics",
    "Nemunas Trans",
    "Vilniaus prekyba",
    "Kauno krovinys",
    "Eastline Cargo",
    "Minsk Transit",
    "Klaipėdos jūra",
    "Rytų kelias",
]
FORMS = ["UAB", "MB", "AB", "OOO", "Ltd", "SIA"]
PLACES = [
    "Medininkai",
    "Šalčininkai",
    "Lavoriškės",
    "Raigardas",
    "Kybartai",
    "Panemunė",
    "Klaipėdos uostas",
    "Vilniaus oro uostas",
    "Kena",
    "Druskininkai",
    "Tverečius",
]
GOODS_EN = [
    "cigarettes",
    "cartons of cigarettes",
    "tobacco",
    "diesel fuel",
    "vodka",
    "amber",
    "heroin",
    "cannabis",
    "cash in euros",
    "counterfeit perfume",
    "mobile phones",
    "car parts",
    "medicines",
    "caviar",
    "ivory carvings",
]
GOODS_LT = [
    "cigaretės",
    "cigarečių pakeliai",
    "tabakas",
    "dyzelinas",
    "degtinė",
    "gintaras",
    "heroinas",
    "kanapės",
    "grynieji pinigai",
    "padirbti kvepalai",
    "mobilieji telefonai",
    "automobilių dalys",
    "vaistai",
    "ikrai",
]
HIDING_EN = [
    "in the fuel tank",
    "behind the cabin wall",
    "under the floor of the trailer",
    "in the spare wheel",
    "among the cargo of timber",
    "in a false roof",
    "inside furniture",
    "in the driver's bag",
    "in the engine compartment",
]
HIDING_LT = [
    "kuro bake",
    "už kabinos sienelės",
    "po priekabos grindimis",
    "atsarginiame rate",
    "tarp medienos krovinio",
    "dvigubame stoge",
    "baldų viduje",
    "vairuotojo krepšyje",
]
VEHICLES = [
    "Volvo FH",
    "Scania R450",
    "MAN TGX",
    "DAF XF",
    "Mercedes Sprinter",
    "Volkswagen Passat",
    "Audi A6",
    "Toyota RAV4",
    "Iveco Daily",
    "BMW X5",
]
BRANDS = ["Minsk", "NZ Gold", "Fest", "Queen", "Premier", "Marlboro", "Winston", "Kent"]


def _plate(rng: random.Random) -> str:
    letters = "ABCDEFGHJKLMNPRSTUVZ"
    return "".join(rng.choice(letters) for _ in range(3)) + f"{rng.randint(0, 999):03d}"


def narrative(rng: random.Random) -> str:
    """A violation narrative of mixed English and Lithuanian sentences."""
    sentences: list[str] = []
    for _ in range(rng.randint(2, 8)):
        if rng.random() < 0.5:
            sentences.append(
                rng.choice(
                    [
                        f"The driver of a {rng.choice(VEHICLES)} with plate {_plate(rng)} "
                        f"was stopped at {rng.choice(PLACES)}.",
                        f"During the inspection {rng.randint(2, 900)} "
                        f"{rng.choice(GOODS_EN)} were found {rng.choice(HIDING_EN)}.",
                        f"The goods ({rng.choice(BRANDS)}) had no excise stamps; the driver "
                        "said he did not know about the load.",
                        f"X-ray showed anomalies {rng.choice(HIDING_EN)}; the vehicle was "
                        "taken to the inspection area.",
                        f"The driver {rng.choice(FIRST)} {rng.choice(LAST)} was questioned "
                        f"and released; the goods were seized.",
                    ]
                )
            )
        else:
            sentences.append(
                rng.choice(
                    [
                        f"Vairuotojas {rng.choice(FIRST)} {rng.choice(LAST)} sulaikytas "
                        f"{rng.choice(PLACES)} poste.",
                        f"Patikrinimo metu {rng.choice(HIDING_LT)} rasta "
                        f"{rng.choice(GOODS_LT)}, kiekis {rng.randint(2, 900)}.",
                        f"Transporto priemonė {rng.choice(VEHICLES)}, valstybinis numeris "
                        f"{_plate(rng)}, nukreipta išsamiam patikrinimui.",
                        "Kontrabanda paimta, surašytas administracinio nusižengimo protokolas.",
                        f"Rentgeno patikra parodė neatitikimų; {rng.choice(BRANDS)} "
                        "cigaretės be akcizo ženklų.",
                    ]
                )
            )
    return " ".join(sentences)


def _tsv(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", " ").replace("\n", "\\n")


def generate(count: int, rng: random.Random, now: str) -> Iterator[str]:
    """COPY lines of cases_searchentry: 70 % violations, 30 % entities."""
    day0 = date(2017, 1, 1)
    statuses = ["draft", "submitted", "verified", "linked"]
    for n in range(1, count + 1):
        day = (day0 + timedelta(days=rng.randrange(3600))).isoformat()
        if rng.random() < 0.7:
            title = f"V-{day[:4]}-{n:07d} · Tobacco products"
            row = ("violation", title, narrative(rng), "", rng.choice(statuses))
        elif rng.random() < 0.5:
            first, last = rng.choice(FIRST), rng.choice(LAST)
            if rng.random() < 0.3:
                first, last = rng.choice(CYRILLIC_FIRST), rng.choice(CYRILLIC)
            title = f"{first} {last}"
            from cases.lib.search import names_ascii

            row = (
                "entity",
                title,
                f"{rng.randint(30000000000, 69999999999)}",
                names_ascii(title),
                "person",
            )
        else:
            title = f"{rng.choice(FORMS)} {rng.choice(COMPANY)} {n}"
            from cases.lib.search import names_ascii

            row = (
                "entity",
                title,
                f"{rng.randint(100000000, 399999999)}",
                names_ascii(title),
                "company",
            )
        kind, title, body, names, status = row
        yield (
            f"{kind}\t{n}\t{_tsv(title)}\t{_tsv(body)}\t{_tsv(names)}\t{status}\t{day}"
            f"\t{{}}\t{now}\n"
        )


def load(*, texts: int, seed: int) -> dict[str, float]:
    from django.db import connection, transaction

    rng = random.Random(seed)
    now = datetime.now(UTC).isoformat()
    timings: dict[str, float] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        # main() made sure that this is a bench database: the whole index goes.
        cursor.execute("TRUNCATE cases_searchentry RESTART IDENTITY")
        indexes = _timing.secondary_indexes(cursor, "cases_searchentry")
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        started = time.perf_counter()
        _timing.copy_lines(
            cursor,
            "COPY cases_searchentry (kind, object_id, title, body, names, status, occurred_on,"
            " restricted_case_ids, updated_at) FROM STDIN",
            generate(texts, rng, now),
        )
        timings["texts"] = time.perf_counter() - started
        started = time.perf_counter()
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        timings["indexes"] = time.perf_counter() - started
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) cases_searchentry")
        cursor.execute("CHECKPOINT")
    timings["vacuum"] = time.perf_counter() - started
    return timings


QUERIES = {
    # Each in 1 to 7 % of the texts here: a surname, a place, a brand, words together.
    "frequent": [
        "Kazlauskas",
        "Medininkai",
        "Šimkus",
        "NZ Gold",
        "heroin fuel tank",
        "Kybartai vodka",
        "ikrai",
        "ivory carvings",
        "Scania R450",
        "padirbti kvepalai",
        "Eastline Cargo",
        "caviar Panemunė",
        "Balčiūnas Druskininkai",
        "spare wheel amber",
        "Tverečius",
        "engine compartment medicines",
        "Vilniaus oro uostas",
        "baldų viduje",
    ],
    "common": [
        "cigarettes",
        "vairuotojas",
        "the driver",
        "kontrabanda",
        "inspection",
        "goods seized",
        "patikrinimo metu rasta",
        "driver",
    ],
    "names": ["Zhukov", "Kazlauskis", "Simkus", "Ivanov Sergei", "Smirnoff", "Zukauskas"],
}


def rare_queries(count: int, seed: int) -> list[str]:
    """What an analyst types most: one plate, one reference, a company with its number
    (a handful of texts each), taken from the texts loaded."""
    import re

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT title, body FROM cases_searchentry TABLESAMPLE SYSTEM (1) REPEATABLE (%s)"
            " LIMIT %s",
            [seed, count * 4],
        )
        rows = cursor.fetchall()
    rng = random.Random(seed)
    queries: list[str] = []
    for title, body in rows:
        plates = re.findall(r"\b[A-Z]{3}\d{3}\b", body)
        choice = rng.random()
        if plates and choice < 0.5:
            queries.append(rng.choice(plates))
        elif title.startswith("V-"):
            queries.append(title.split(" · ")[0])
        else:
            queries.append(title)
    return queries[:count]


def measure(*, samples: int, seed: int) -> dict[str, Any]:

    from cases.selectors.search import SearchQuery, search_for_user

    analyst = _timing.bench_analyst("bench-search-analyst")
    rng = random.Random(seed + 1)
    picked = {"rare": rare_queries(samples, seed)}
    picked.update(
        {name: [rng.choice(queries) for _ in range(samples)] for name, queries in QUERIES.items()}
    )

    def run(text: str) -> Any:
        return search_for_user(user=analyst, query=SearchQuery(text=text))

    for texts in QUERIES.values():
        for text in texts:
            run(text)
    results = _timing.interleaved([(name, run, texts) for name, texts in picked.items()])
    matches = {
        name: {text: (run(text).matches, run(text).capped) for text in texts}
        for name, texts in QUERIES.items()
    }
    return {
        "timings": _timing.summarised(results),
        "matches": matches,
    }


def counts() -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT kind, count(*) FROM cases_searchentry GROUP BY kind")
        found = dict(cursor.fetchall())
        cursor.execute(
            "SELECT count(*) FROM cases_searchentry WHERE search_vector @@ "
            "to_tsquery('portal_simple', 'cigarettes')"
        )
        found["cigarettes"] = cursor.fetchone()[0]
    return found


def report(*, command: str, label: str, data: dict[str, Any], out: dict[str, Any]) -> str:
    from cases.selectors.search import CANDIDATE_CAP, NAMES_CAP

    t = out["timings"]
    ok = max(t["rare"].p95, t["frequent"].p95, t["common"].p95, t["names"].p95) < 50
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    total = data["violation"] + data["entity"]
    common = ", ".join(
        f"{text!r} {found:,}{'+' if capped else ''}"
        for text, (found, capped) in out["matches"]["common"].items()
    )
    names = ", ".join(
        f"{text!r} {found:,}" for text, (found, _capped) in out["matches"]["names"].items()
    )
    lines = [
        f"### {now}{f' — {label}' if label else ''}",
        "",
        f"- command: `{command}`",
        f"- data: {total:,} texts ({data['violation']:,} narratives, {data['entity']:,} "
        f"entity names); 'cigarettes' alone is in {data['cigarettes']:,} of them",
        f"- machine: {_common.machine_and_database()}",
        f"- load average (1, 5, 15 min) before / after: {data['load_before']} / "
        f"{data['load_after']} (shared machine)",
        f"- caps: {CANDIDATE_CAP:,} matches of the words ranked and counted in the facets, "
        f"{NAMES_CAP:,} close names when the words find less than a page and no name; "
        f"matches of the common words (+: capped): {common}",
        f"- name matches: {names}",
        f"- p95 under 50 ms for every kind of query: {'yes' if ok else '**no**'}",
        "",
    ]
    lines += _timing.figures_table(
        t,
        [
            ("search_for_user, rare: a plate, a reference, a company", "rare"),
            ("bare SQL of the same calls", "rare bare"),
            ("search_for_user, frequent: surnames, places (1-7 % of texts)", "frequent"),
            ("bare SQL of the same calls", "frequent bare"),
            ("search_for_user, very common words", "common"),
            ("bare SQL of the same calls", "common bare"),
            ("search_for_user, names misspelt / transliterated", "names"),
            ("bare SQL of the same calls", "names bare"),
        ],
    )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--texts", type=int, default=1_000_000)
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies --texts")
    parser.add_argument("--samples", type=int, default=200, help="queries timed per kind")
    parser.add_argument("--seed", type=int, default=20261204)
    parser.add_argument("--database", default=DATABASE, help="a name containing 'bench'")
    parser.add_argument("--skip-load", action="store_true", help="measure the texts loaded")
    parser.add_argument("--label", default="", help="a note for the report heading")
    parser.add_argument("--no-report", action="store_true", help="print only")
    args = parser.parse_args()
    url = _dispatch.database_url(args.database)  # refuses a name without "bench"
    _common.django_on(url)
    if not args.skip_load:
        texts = int(args.texts * args.scale)
        print(f"loading {texts:,} texts …", flush=True)
        timings = load(texts=texts, seed=args.seed)
        print("load: " + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()), flush=True)
    data: dict[str, Any] = dict(counts())
    data.setdefault("violation", 0)
    data.setdefault("entity", 0)
    data["load_before"] = _common.load_average()
    out = measure(samples=args.samples, seed=args.seed)
    data["load_after"] = _common.load_average()
    command = _timing.command_line(url, "bench/search.py", sys.argv[1:])
    section = report(command=command, label=args.label, data=data, out=out)
    print(section)
    if not args.no_report:
        _timing.write_below_marker(APPEND_MARKER, section)


if __name__ == "__main__":
    main()
