"""The mention store: canonical, de-duplicated mentions in Parquet, partitioned by topic and
day (``stormwatch import``), read back by ``scan --store`` one partition per topic and day of
the scored horizon (see ``store.pruning``), by polars or by Spark (``engines.spark``)."""
