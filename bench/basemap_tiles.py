"""Benchmark: the offline base map's tiles over Lithuania, computed and from the cache.

    DATABASE_URL=... DJANGO_SETTINGS_MODULE=portal.settings.dev \\
        .venv/bin/python bench/basemap_tiles.py [--zooms 7 9 10 12 14] [--tiles 40]

Loads the base map when it is not (``basemap_load``, idempotent; it empties nothing
else, so any migrated database will do), then for each zoom times ``--tiles`` tiles
over Lithuania (a fixed sample), first computed by PostGIS (the cache key removed), then
served from the Redis cache, through ``portal.selectors.basemap.basemap_tile_gzip``, and
reports the median and the slowest, and the gzipped and plain sizes. Prints a Markdown
table for docs/benchmarks.md ("Base map tiles").
"""

from __future__ import annotations

import argparse
import gzip
import math
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

import django

django.setup()

from django.core.cache import cache  # noqa: E402

from portal.selectors.basemap import basemap_tile_gzip  # noqa: E402
from portal.services.basemap import basemap_files_version, basemap_load  # noqa: E402

LITHUANIA = (20.95, 53.9, 26.8, 56.45)  # west, south, east, north


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def sample(z: int, count: int, rng: random.Random) -> list[tuple[int, int, int]]:
    west, south, east, north = LITHUANIA
    x0, y0 = tile_of(west, north, z)
    x1, y1 = tile_of(east, south, z)
    every = [(z, x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]
    return every if len(every) <= count else rng.sample(every, count)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zooms", type=int, nargs="+", default=[7, 9, 10, 12, 14])
    parser.add_argument("--tiles", type=int, default=40)
    args = parser.parse_args()
    started = time.perf_counter()
    loaded = basemap_load()
    print(f"load: {'%.1f s' % (time.perf_counter() - started) if loaded else 'up to date'}")
    version = basemap_files_version()
    rng = random.Random(7)
    rows = []
    for z in args.zooms:
        tiles = sample(z, args.tiles, rng)
        cold, warm, packed, plain = [], [], [], []
        for _, x, y in tiles:
            cache.delete(f"basemap:{version}:{z}:{x}:{y}")
            t = time.perf_counter()
            body = basemap_tile_gzip(version=version, z=z, x=x, y=y)
            cold.append(time.perf_counter() - t)
            t = time.perf_counter()
            basemap_tile_gzip(version=version, z=z, x=x, y=y)
            warm.append(time.perf_counter() - t)
            packed.append(len(body))
            plain.append(len(gzip.decompress(body)))
        rows.append(
            f"| {z} | {len(tiles)} | {ms(statistics.median(cold))} | {ms(max(cold))} "
            f"| {ms(statistics.median(warm))} | {statistics.median(packed) / 1024:.1f} "
            f"| {max(packed) / 1024:.1f} | {max(plain) / 1024:.0f} |"
        )
    print(
        "| zoom | tiles | computed, median ms | computed, slowest ms | from cache, median ms "
        "| gzipped, median KiB | gzipped, largest KiB | plain, largest KiB |"
    )
    print("|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
