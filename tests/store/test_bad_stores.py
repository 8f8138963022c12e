"""Every store that cannot serve gets one sentence and its exit code (README), never a traceback.

Exit codes: 7 not a usable neofloor database (or no driver), 8 the server does not answer or
refuses the login, 9 read-only (reads work, writes refused).
"""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import sqlite3.dbapi2  # loaded before a test reads as another user (the interpreter may be private)
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import text

from neofloor.cli import main
from neofloor.store.engine import Database
from tests import stores
from tests.conftest import plan_cars

ROOT = Path(__file__).resolve().parents[2]
NOBODY = 65534


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):
    """Run ``neofloor ARGS`` in this process: (exit code, stdout, stderr)."""

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def plant_file(db: Database, db_path: Path) -> Path:
    """A SQLite plant with two cars planned, closed so that its file stands alone."""
    plan_cars(db, 2)
    db.dispose()
    return db_path


def one_sentence(err: str, *parts: str) -> None:
    assert "Traceback" not in err
    assert err.startswith("neofloor: ") and err.count("\n") == 1, err
    for part in parts:
        assert part in err, err


def test_a_folder_is_refused(cli, tmp_path: Path) -> None:
    code, _, err = cli("--db", str(tmp_path), "queue", "BODY")
    assert code == 8
    one_sentence(err, f"{tmp_path} is a folder, not a neofloor database.")


def test_a_file_that_is_not_sqlite_is_refused(cli, tmp_path: Path) -> None:
    other = tmp_path / "notes.db"
    other.write_text("vin,model,color\n")
    code, _, err = cli("--db", str(other), "history", "X")
    assert code == 8
    one_sentence(err, "is not a SQLite file: not a neofloor database.")


def test_another_applications_sqlite_file_is_refused_and_left_alone(cli, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE contact (name TEXT)")
    code, _, err = cli("--db", str(other), "queue", "BODY")
    assert code == 8
    one_sentence(err, "is not a neofloor database: run neofloor init.")
    with sqlite3.connect(other) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    assert tables == ["contact"]


def test_a_zero_byte_file_is_not_made_into_an_empty_plant(cli, tmp_path: Path) -> None:
    empty = tmp_path / "plant.db"
    empty.touch()
    for command in (("queue", "BODY"), ("upgrade",), ("check",)):
        code, _, err = cli("--db", str(empty), *command)
        assert code == 8, command
        one_sentence(err, f"{empty} is empty: not a neofloor database: run neofloor init.")
    assert empty.stat().st_size == 0
    code, out, _ = cli("--db", str(empty), "init")
    assert code == 0 and "written to" in out


def test_a_truncated_copy_is_called_damaged(cli, plant_file: Path, tmp_path: Path) -> None:
    truncated = tmp_path / "truncated.db"
    truncated.write_bytes(plant_file.read_bytes()[: 40 * 4096])
    code, _, err = cli("--db", str(truncated), "queue", "BODY")
    assert code == 8
    one_sentence(err, f"{truncated} is damaged", "restore it from a backup")


def test_a_corrupt_file_fails_its_check_with_a_sentence(cli, plant_file: Path, tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt.db"
    data = bytearray(plant_file.read_bytes())
    page = 4096
    for start in range(3 * page, len(data) - page, 7 * page):  # scribble over every seventh page
        data[start + 100 : start + 400] = b"\xa5" * 300
    corrupt.write_bytes(bytes(data))
    code, _, err = cli("--db", str(corrupt), "check")
    assert "Traceback" not in err
    if code == 8:  # too damaged to open
        one_sentence(err, "is damaged")
    else:
        assert code == 11 and "Plant NOT consistent" in err, err


@contextmanager
def as_another_user() -> Iterator[None]:
    """Act as a user who does not own the test's files (root reads and writes anything)."""
    if os.geteuid() != 0:
        yield
        return
    os.seteuid(NOBODY)
    try:
        yield
    finally:
        os.seteuid(0)


@pytest.fixture
def read_only_copies(plant_file: Path, cli) -> Iterator[dict[str, Path]]:
    """The plant as a read-only file, in a folder this user may write and in one it may not."""
    cli("--db", str(plant_file), "queue", "BODY")  # load every module before reading as another user
    cli("--db", str(plant_file), "hold", "X", "--reason", "x", "--operator", "3001")
    top = Path(tempfile.mkdtemp(prefix="neofloor-ro-"))
    top.chmod(0o755)
    copies = {}
    for name, folder_mode in (("writable folder", 0o777), ("read-only folder", 0o755)):
        folder = top / name.replace(" ", "-")
        folder.mkdir()
        copy = folder / "plant.db"
        shutil.copyfile(plant_file, copy)
        copy.chmod(0o444)
        folder.chmod(folder_mode)
        copies[name] = copy
    yield copies
    shutil.rmtree(top)


@pytest.mark.parametrize("where", ["writable folder", "read-only folder"])
def test_a_read_only_file_reads_and_refuses_writes_saying_why(
    cli, read_only_copies: dict[str, Path], where: str
) -> None:
    plant = read_only_copies[where]
    with as_another_user():
        listed = cli("--db", str(plant), "queue", "BODY")
        vin = next((word for word in listed[1].split() if len(word) == 17), "")
        held = cli("--db", str(plant), "hold", vin, "--reason", "Paint run", "--operator", "3001")
    code, out, err = listed
    assert (code, err) == (0, "") and "queue:" in out
    code, _, err = held
    assert code == 10
    one_sentence(err, f"{plant} is read-only for this user: reads work, but writes are refused")
    with sqlite3.connect(f"file:{plant}?mode=ro", uri=True) as conn:
        assert conn.execute("SELECT count(*) FROM vehicle WHERE state = 'held'").fetchone() == (0,)


def test_an_unknown_url_scheme_is_refused(cli) -> None:
    code, _, err = cli("--db", "mysql://floor@db/plant", "queue", "BODY")
    assert code == 8
    one_sentence(err, "Unknown database URL scheme 'mysql'", "postgresql+psycopg://")


def test_a_missing_driver_says_which_package_to_install() -> None:
    script = (
        "import sys; sys.modules['psycopg'] = None\n"
        "from neofloor.cli import main\n"
        "raise SystemExit(main(['--db', 'postgresql://floor@127.0.0.1:5432/plant', 'queue', 'BODY']))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=60, check=False
    )
    assert done.returncode == 8
    one_sentence(done.stderr, "install neofloor[postgres]")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_server_that_is_down_is_named_within_the_connect_timeout(cli) -> None:
    began = time.monotonic()
    code, _, err = cli("--db", f"postgresql://floor@127.0.0.1:{free_port()}/plant", "queue", "BODY")
    assert code == 9
    one_sentence(err, "does not answer", "Nothing was written; try again once it is back.")
    assert time.monotonic() - began < 10


@pytest.mark.postgres
@pytest.mark.skipif(stores.postgres_url() is None, reason=stores.HOW_TO_RUN)
def test_a_server_that_refuses_the_login_says_so(cli) -> None:
    url = stores.url_of("postgres").replace("://", "://no_such_role@", 1)
    if "@" in url.split("://", 1)[1].split("@", 1)[1]:  # the server's URL named a user: replace it
        head, rest = url.split("://", 1)
        url = f"{head}://no_such_role@{rest.split('@', 2)[-1]}"
    code, _, err = cli("--db", url, "queue", "BODY")
    assert code == 9
    one_sentence(err, "refused the login of no_such_role")


def test_a_database_made_by_a_newer_neofloor_is_not_touched(cli, db: Database, db_url: str) -> None:
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    db.dispose()
    for command in (("queue", "BODY"), ("upgrade",)):
        code, _, err = cli("--db", db_url, *command)
        assert code == 8, command
        one_sentence(err, "made by a newer neofloor (schema revision 9999", "upgrade neofloor to open it")
    with Database(db_url, upgrade=False).engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "9999"
