import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def import_settings(**env):
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import cyberwatch.settings"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_debug_off_without_secret_key_refuses_to_start():
    result = import_settings(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_debug_off_with_secret_key_starts():
    assert import_settings(DEBUG="0", SECRET_KEY="x" * 50).returncode == 0


def test_defaults_start_with_nothing_set():
    assert import_settings().returncode == 0


def cache_backend(**env):
    environment = {k: v for k, v in os.environ.items() if k not in {"CACHE_URL", "REDIS_URL"}}
    environment.update(env)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "from cyberwatch import settings; print(settings.CACHES['default']['BACKEND'])",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def test_cache_url_chooses_the_cache_and_wins_over_redis_url():
    assert cache_backend(CACHE_URL="dummycache://", REDIS_URL="redis://127.0.0.1:6379/0") == (
        "django.core.cache.backends.dummy.DummyCache"
    )
    # Django's RedisCache, answering as an empty cache while Redis fails (core/cache.py).
    assert cache_backend(REDIS_URL="redis://127.0.0.1:6379/0") == "core.cache.ResilientRedisCache"
    assert cache_backend(CACHE_URL="rediscache://127.0.0.1:6379/0") == (
        "core.cache.ResilientRedisCache"
    )
    assert cache_backend() == "django.core.cache.backends.locmem.LocMemCache"
