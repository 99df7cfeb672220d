"""The product's settings, with the benchmark's URLs (the product's plus the floor)."""

from cyberwatch.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
