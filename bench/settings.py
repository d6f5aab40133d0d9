"""The project's settings plus a bench-only URLconf (the bare 20 KB view). Never used in production."""

from newsroom.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
