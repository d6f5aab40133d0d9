"""import_wire --watch FOLDER --once: a drop folder pass, files moved to done/ or failed/."""

import os
import time

import pytest
from django.db import connection

from articles.models import Article
from sources.ingest import dropfolder, pipeline
from sources.models import WireItem
from tests.sources.wire_helpers import fixture, many, ninjs, run

pytestmark = pytest.mark.django_db


def drop(folder, name, data: bytes, age: float = 60):
    path = folder / name
    path.write_bytes(data)
    past = time.time() - age
    os.utime(path, (past, past))
    return path


def test_one_pass_imports_and_moves_files(tmp_path):
    drop(tmp_path, "good.xml", fixture("newsml-g2", "item-v1.xml").read_bytes())
    drop(tmp_path, "bad.json", fixture("ninjs", "headline-number.json").read_bytes())
    drop(tmp_path, ".hidden", b"ignored")
    code, out, err = run("--watch", tmp_path, "--once", "--source", "NRW")
    assert code == 1
    assert "created 1, updated 0, unchanged 0, failed 1" in out
    assert (tmp_path / "done" / "good.xml").exists() and not (tmp_path / "good.xml").exists()
    assert (tmp_path / "failed" / "bad.json").exists()
    error = (tmp_path / "failed" / "bad.json.error.txt").read_text()
    assert "field headline" in error and "bad.json" in error
    assert (tmp_path / ".hidden").exists()
    assert Article.objects.count() == 1


def test_all_good_exits_0_and_a_second_pass_finds_nothing(tmp_path):
    drop(tmp_path, "a.xml", fixture("nitf", "minimal.xml").read_bytes())
    code, out, _ = run("--watch", tmp_path, "--once", "--source", "NRW")
    assert code == 0 and "created 1" in out
    code, out, _ = run("--watch", tmp_path, "--once", "--source", "NRW")
    assert code == 0 and "created 0, updated 0, unchanged 0, failed 0" in out


def test_same_name_again_is_kept_beside_the_first(tmp_path):
    for _ in range(2):
        drop(tmp_path, "a.xml", fixture("nitf", "minimal.xml").read_bytes())
        run("--watch", tmp_path, "--once", "--source", "NRW")
    assert len(list((tmp_path / "done").iterdir())) == 2


def test_a_file_still_being_written_waits(tmp_path):
    drop(tmp_path, "fresh.xml", fixture("nitf", "minimal.xml").read_bytes(), age=0)
    drop(tmp_path, "upload.xml.part", b"<nitf>", age=60)
    code, out, _ = run("--watch", tmp_path, "--once", "--source", "NRW", "--settle", "30")
    assert code == 0 and "created 0" in out
    assert (tmp_path / "fresh.xml").exists() and (tmp_path / "upload.xml.part").exists()
    code, out, _ = run("--watch", tmp_path, "--once", "--source", "NRW", "--settle", "0")
    assert "created 1" in out and not (tmp_path / "fresh.xml").exists()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ((), "nothing to import"),
        (("--watch", "/nonexistent/folder", "--once"), "no such folder"),
        (("some.xml", "--watch", "."), "not both"),
        (("--once", "x.xml"), "go with --watch"),
        (("--watch", ".", "--dry-run"), "--dry-run cannot"),
        (("x.xml", "--format", "docx"), "invalid choice"),
        (("x.xml", "--source", "bad code!"), "invalid source code"),
    ],
)
def test_bad_usage_exits_2(args, words):
    code, out, err = run(*args)
    assert code == 2 and words in err


@pytest.mark.django_db(transaction=True)
def test_watch_moves_files_only_after_their_batch_is_committed(tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "BATCH_FILES", 3)
    many(tmp_path, 7)
    past = time.time() - 60
    for path in tmp_path.iterdir():
        os.utime(path, (past, past))
    (tmp_path / "0005.json").write_bytes(ninjs(5, headline=""))
    os.utime(tmp_path / "0005.json", (past, past))
    seen = []
    real_move = dropfolder._move

    def move(path, folder):
        assert not connection.in_atomic_block
        guid = f"urn:test:batch:{int(path.stem)}"
        seen.append((path.name, WireItem.objects.filter(guid=guid).exists()))
        return real_move(path, folder)

    monkeypatch.setattr(dropfolder, "_move", move)
    code, out, _ = run("--watch", tmp_path, "--once", "--source", "NRW")
    assert code == 1 and "created 6, updated 0, unchanged 0, failed 1" in out
    assert sorted(seen) == [(f"{n:04d}.json", n != 5) for n in range(7)]
    assert len(list((tmp_path / "done").iterdir())) == 6
    assert (tmp_path / "failed" / "0005.json.error.txt").exists()
