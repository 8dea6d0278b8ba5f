"""Fixtures shared by several test files: a local PostgreSQL server (started once, only by the
tests that ask for it) and the state backends that the security tests run against."""
from __future__ import annotations

import os
import secrets

import pytest

# The servers and pages the tests start do not warm their answers in the background: on two cores
# the warming (hundreds of answers per server) competed with the tests for the CPU. The warming
# itself is tested in tests/test_answers.py, which turns it back on.
os.environ.setdefault("SPZX_WARM", "0")


@pytest.fixture(scope="session")
def postgres():
    from deploy import postgres as pg

    try:
        cluster = pg.start()
    except RuntimeError as e:
        pytest.fail(f"{e} (./test.sh installs it as root)")
    yield cluster
    pg.stop(cluster)


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request, tmp_path, monkeypatch):
    """The state in a SQLite file, or in a new PostgreSQL database of its own (signed in as the
    tables' owner, who may put a dropped guard back, as the SQLite file's owner may)."""
    from tests.state_backends import PostgresBackend, SqliteBackend

    monkeypatch.setenv("SPZX_STATE", str(tmp_path / "state.sqlite"))  # the server key lives beside it
    monkeypatch.delenv("SPZX_STATE_URL", raising=False)
    if request.param == "sqlite":
        return SqliteBackend(str(tmp_path / "state.sqlite"))
    from deploy.postgres import new_database

    cluster = request.getfixturevalue("postgres")
    name = f"test_{secrets.token_hex(6)}"
    owner_url = new_database(cluster, name)
    monkeypatch.setenv("SPZX_STATE_URL", owner_url)
    return PostgresBackend(owner_url, cluster.admin_url.rsplit("/", 1)[0] + f"/{name}")


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: minutes of work or gigabytes of disk; run with SPZX_SLOW_TESTS=1")


def pytest_collection_modifyitems(config, items):
    import os

    if os.environ.get("SPZX_SLOW_TESTS") == "1":
        return
    skip = pytest.mark.skip(reason="slow: run with SPZX_SLOW_TESTS=1 (README, Security)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
