"""The site's settings plus one benchmark-only URL: a bare DRF view (benchmarks/bench_urls.py)."""

from casino_club.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.bench_urls"
