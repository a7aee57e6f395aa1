"""Engines that run the aggregation plan (``engines.plan``): polars here, Spark on a cluster."""
