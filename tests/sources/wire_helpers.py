"""Shared by the wire tests: running import_wire through call_command, reading fixture files, and
writing folders of generated ninjs stories."""

import json
from io import StringIO
from pathlib import Path

from django.core.management import CommandError, call_command

from sources.wire import ParseError, parse_bytes

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def fixture(fmt: str, name: str) -> Path:
    return FIXTURES / fmt / name


def run(*args, stdin=None):
    """(exit status, stdout, stderr) of ``import_wire`` with these arguments."""
    out, err = StringIO(), StringIO()
    try:
        call_command("import_wire", *map(str, args), stdout=out, stderr=err)
        code = 0
    except CommandError as exc:
        code = exc.returncode
        err.write(str(exc))
    return code, out.getvalue(), err.getvalue()


def parse(fmt: str, name: str):
    """The stories of one fixture file, with the format detected from its content."""
    found, stories = parse_bytes(fixture(fmt, name).read_bytes())
    assert found == fmt
    return stories


def parse_error(data: bytes, fmt: str = "auto") -> ParseError:
    try:
        _, stories = parse_bytes(data, fmt=fmt)
    except ParseError as exc:
        return exc
    raise AssertionError(f"expected a ParseError, got {stories!r}")


def ninjs(n, *, headline=None, version=1, keywords=("oil", "Budget"), **extra):
    data = {
        "uri": f"urn:test:batch:{n}",
        "version": str(version),
        "type": "text",
        "language": "en",
        "headlines": [{"role": "main", "value": headline if headline is not None else f"Story number {n}"}],
        "bodies": [
            {
                "role": "main",
                "contenttype": "text/html",
                "value": f"<p>Paragraph of story {n}, v{version}.</p>",
            }
        ],
        "by": "Dana Aziz and Karwan Ali",
        "located": "ERBIL (NR Wire)",
        "keywords": list(keywords),
    }
    data.update(extra)
    return json.dumps(data, ensure_ascii=False).encode()


def write(folder, files):
    folder.mkdir(exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


def many(folder, count, start=0, **kwargs):
    return write(folder, {f"{n:04d}.json": ninjs(n, **kwargs) for n in range(start, start + count)})
