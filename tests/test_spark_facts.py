"""Spark computes the same monthly facts as DuckDB, from the cases exported as Parquet, and the
database takes them (with the facts version) as if it had built them itself.

Needs requirements-spark.txt and Java (test.sh installs both). One local Spark session for the
module: two threads, few shuffle partitions, scratch files in a temporary folder, no UI.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil

import duckdb
import pandas as pd
import pytest

pytest.importorskip("pyspark")
if shutil.which("java") is None:
    pytest.skip("Spark needs Java (test.sh installs it)", allow_module_level=True)

from data import exchange, spark_facts  # noqa: E402
from data.validate import sql_literal  # noqa: E402
from data.demo import generate  # noqa: E402
from metrics import facts  # noqa: E402
from metrics.facts import FactsState, facts_state  # noqa: E402

TABLES = exchange.TABLES


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("spark")
    db = str(root / "demo.duckdb")
    generate(db, cases=20_000, seed=7, end=dt.date(2026, 9, 30), progress=False)
    exchange.export_cases(db, str(root / "cases"))
    return root, db


@pytest.fixture(scope="module")
def spark():
    # compiling whole-stage code for the wide aggregations costs more than it saves on 20k cases
    with spark_facts.session("local[2]", {"spark.sql.codegen.wholeStage": "false"}, shuffle_partitions=2) as s:
        yield s


@pytest.fixture(scope="module")
def spark_out(demo, spark):
    root, _ = demo
    spark_facts.build(spark, str(root / "cases"), str(root / "spark"))
    return str(root / "spark")


def stored(db: str, table: str) -> pd.DataFrame:
    with duckdb.connect(db, read_only=True) as con:
        return con.execute(f"SELECT * FROM {table}").df()


def written(folder: str, table: str) -> pd.DataFrame:
    with duckdb.connect() as con:
        return con.execute("SELECT * FROM read_parquet(?)", [exchange.parquet_files(folder, table)]).df()


def differences(a: pd.DataFrame, b: pd.DataFrame) -> list[str]:
    """What differs between two fact tables, row by row after sorting on the key columns: integers
    and text exactly, money sums to 1e-9 relative (the engines add them in different orders)."""
    if sorted(a.columns) != sorted(b.columns):
        return [f"columns {sorted(set(a.columns) ^ set(b.columns))}"]
    measures = [c for c in a.columns if pd.api.types.is_numeric_dtype(a[c]) and not pd.api.types.is_bool_dtype(a[c])]
    keys = [c for c in a.columns if c not in measures]
    if len(a) != len(b):
        return [f"{len(a)} rows against {len(b)}"]
    a = a.astype({k: str for k in keys}).sort_values(keys, ignore_index=True)
    b = b[list(a.columns)].astype({k: str for k in keys}).sort_values(keys, ignore_index=True)
    out = [f"key {k}" for k in keys if not a[k].equals(b[k])]
    for c in measures:
        x, y = a[c].astype(float), b[c].astype(float)
        if pd.api.types.is_integer_dtype(a[c]) and pd.api.types.is_integer_dtype(b[c]):
            bad = a[c].astype("int64") != b[c].astype("int64")
        else:
            bad = (x - y).abs() > 1e-9 * pd.concat([x.abs(), y.abs()], axis=1).max(axis=1).clip(lower=1)
        if bad.any():
            out.append(f"{c}: {int(bad.sum())} rows, e.g. {x[bad].iloc[0]} against {y[bad].iloc[0]}")
    return out


@pytest.mark.parametrize("table", TABLES)
def test_spark_facts_equal_duckdb_facts(demo, spark_out, table):
    _, db = demo
    ours = stored(db, table)
    assert len(ours) >= 10
    assert differences(ours, written(spark_out, table)) == []


def test_a_perturbed_measure_is_caught(demo, spark, spark_out, tmp_path, monkeypatch):
    """The comparison can fail: Spark with one measure's condition changed differs in that column only,
    and its facts carry another version, which the database refuses."""
    import metrics.measures as ms

    root, db = demo
    i = next(i for i, m in enumerate(ms.MEASURES) if m.name == "closed_within_limit")
    changed = dataclasses.replace(ms.MEASURES[i], cases="counted AND net_days < limit_days")  # one day stricter
    monkeypatch.setattr(ms, "MEASURES", ms.MEASURES[:i] + (changed,) + ms.MEASURES[i + 1:])
    out = str(tmp_path / "perturbed")
    spark.sql(facts.selects(facts.SPARK)["facts"]).write.parquet(f"{out}/facts")  # the cases' views: spark_out's
    diff = differences(stored(db, "facts"), written(out, "facts"))
    assert len(diff) == 1 and diff[0].startswith("closed_within_limit:"), diff
    perturbed = facts.version()
    monkeypatch.undo()
    assert perturbed != facts.version()
    with duckdb.connect() as con:
        os.makedirs(out + '/facts_info')
        con.execute(f"COPY (SELECT ? AS version) TO {sql_literal(out + '/facts_info/part-0.parquet')}", [perturbed])
    with pytest.raises(exchange.StaleFacts):
        exchange.load_facts(db, out)


def test_the_database_takes_sparks_facts_as_current(demo, spark_out, tmp_path):
    _, db = demo
    copy = str(tmp_path / "loaded.duckdb")
    shutil.copy(db, copy)
    exchange.load_facts(copy, spark_out)
    with duckdb.connect(copy, read_only=True) as con:
        assert facts_state(con) is FactsState.CURRENT
        types = "SELECT table_name, column_name, data_type FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index"
        for table in TABLES:
            assert con.execute(types, [table]).fetchall() == duckdb.connect(db, read_only=True).execute(
                types, [table]).fetchall()
    for table in TABLES:
        assert differences(stored(db, table), stored(copy, table)) == []


def test_duckdb_from_parquet_gives_the_same_facts(demo, tmp_path):
    """The other engine of `python -m data facts`, on the same Parquet input."""
    root, db = demo
    out = str(tmp_path / "duck")
    exchange.build_duckdb(str(root / "cases"), out)
    assert exchange.facts_version(out) == facts.version()
    for table in TABLES:
        assert differences(stored(db, table), written(out, table)) == []
