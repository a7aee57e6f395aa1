"""Engines that run the aggregation plan (``pipeline.plan``) elsewhere: Spark on a cluster."""
