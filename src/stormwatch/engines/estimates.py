"""The sentiment estimate on Spark's executors: :meth:`Estimator.labels`, the code a polars scan
runs, as a scalar Arrow UDF: each batch of texts and languages (Arrow arrays, Spark's
``spark.sql.execution.arrow.maxRecordsPerBatch`` rows) becomes polars series and comes back
as an Arrow array of labels.

Imported by ``engines.spark`` only, when a store holds mentions to estimate: pyarrow comes with
``stormwatch[spark]`` and stays off every other path. The estimator travels with the task: the
lexicon is part of stormwatch, and a trained model is read here on the driver and pickled with
the UDF (Spark broadcasts a large one), so the executors need stormwatch installed, not the
model file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl
import pyarrow as pa

from stormwatch.sentiment.fill import Estimator

if TYPE_CHECKING:
    from pyspark.sql._typing import UserDefinedFunctionLike


def sentiment_udf(estimator: Estimator) -> UserDefinedFunctionLike:
    """``estimator.labels`` of a text column and a language column, as a Spark column function
    returning a string column. Raises ConfigError for a bad model file (read now, here)."""
    from pyspark.sql.pandas.functions import arrow_udf

    estimator.model  # noqa: B018 (read on the driver: errors here, the model goes with the task)

    # The type hints say "scalar Arrow UDF" to pyspark, which reads them (so pa at module level).
    def labels(texts: pa.Array, languages: pa.Array) -> pa.Array:
        found = estimator.labels(pl.Series("text", texts), pl.Series("language", languages))
        # Arrow's plain string type, which Spark reads back (not polars' string views).
        return found.to_arrow(compat_level=pl.CompatLevel.oldest()).cast(pa.string())

    # pyspark's stubs know only the form with an explicit function type, which it warns is the
    # one not to use; at run time the hints above make this a scalar Arrow UDF.
    udf: UserDefinedFunctionLike = arrow_udf(labels, "string")  # type: ignore[call-overload]
    return udf
