"""The monthly facts computed by Apache Spark from the cases as Parquet (the steps: data/exchange.py).

In this process, in local mode unless told otherwise:
  python -m data facts --engine spark --cases DIR --out FACTS [--master local[*]] [--conf spark.driver.memory=4g]
On a cluster, the same job:
  spark-submit --master yarn data/spark_facts.py --cases hdfs:///spzx/cases --out hdfs:///spzx/facts
The SQL is the facts SQL of metrics/facts.py rendered for Spark, so a measure declared once reaches
both engines. Only the driver needs this project's code (it renders the SQL); the executors run
Spark SQL alone. Needs requirements-spark.txt and Java 17+.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile


@contextlib.contextmanager
def session(master: str | None = None, conf: dict[str, str] | None = None, shuffle_partitions: int | None = None):
    """A Spark session; in local mode it stays on this machine (no UI, loopback only) and keeps its
    scratch files in a temporary folder removed afterwards."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("spzx-facts")
    with tempfile.TemporaryDirectory(prefix="spzx-spark-") as scratch:
        if master:
            builder = builder.master(master)
        if (master or "").startswith("local"):
            builder = (builder.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                       .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
                       .config("spark.local.dir", scratch)
                       .config("spark.sql.warehouse.dir", os.path.join(scratch, "warehouse")))
        if shuffle_partitions:
            builder = builder.config("spark.sql.shuffle.partitions", str(shuffle_partitions))
        for key, value in (conf or {}).items():
            builder = builder.config(key, value)
        spark = builder.getOrCreate()
        spark.sparkContext.setLogLevel("WARN")
        try:
            yield spark
        finally:
            spark.stop()


def build(spark, cases: str, out: str, dialect=None) -> None:
    """Read DIR/cases and DIR/courts, write each fact table under `out` and, last, the version stamp."""
    from metrics import facts

    dialect = dialect or facts.SPARK
    stamp = f"{out}/facts_info"
    _remove(spark, stamp)  # no stamp while the tables are rewritten: a half-written set is never loaded
    for table in ("cases", "courts"):
        spark.read.parquet(f"{cases}/{table}").createOrReplaceTempView(table)
    for table, sql in facts.selects(dialect).items():
        spark.sql(sql).write.mode("overwrite").parquet(f"{out}/{table}")
    spark.createDataFrame([(facts.version(),)], "version string").coalesce(1).write.parquet(stamp)


def _remove(spark, path: str) -> None:
    jvm = spark.sparkContext._jvm
    p = jvm.org.apache.hadoop.fs.Path(path)
    p.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()).delete(p, True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="spark-submit data/spark_facts.py", description=__doc__.splitlines()[0])
    ap.add_argument("--cases", required=True, help="folder holding cases/ and courts/ as Parquet")
    ap.add_argument("--out", required=True, help="folder the fact tables are written to")
    args = ap.parse_args(argv)
    with session() as spark:  # master and settings from spark-submit
        build(spark, args.cases, args.out)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # the project, for metrics
    sys.exit(main())
