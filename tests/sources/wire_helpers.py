"""Shared by the wire tests: running import_wire through call_command, and reading fixture files."""

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
