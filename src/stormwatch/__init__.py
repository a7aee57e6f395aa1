"""stormwatch: early warning for online firestorms.

The library API, usable from a notebook without the CLI::

    import datetime as dt
    import stormwatch as sw

    moment = dt.datetime(2011, 9, 28, tzinfo=dt.UTC)
    report = sw.analyse(["mentions.csv"], sw.Settings(), now=moment)
    for topic in report.topics:
        print(topic.rank, topic.topic, topic.score, topic.level)

Names are imported lazily so that ``import stormwatch`` (and ``stormwatch --help``) stays fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from stormwatch.__about__ import __version__

_EXPORTS = {
    "analyse": "stormwatch.pipeline.analyse",
    "load_sources": "stormwatch.pipeline.analyse",
    "read_source": "stormwatch.sources",
    "Source": "stormwatch.sources",
    "ReadOptions": "stormwatch.sources",
    "Settings": "stormwatch.settings",
    "Weights": "stormwatch.settings",
    "Thresholds": "stormwatch.settings",
    "load_settings": "stormwatch.settings",
    "Report": "stormwatch.models",
    "TopicResult": "stormwatch.models",
    "SignalResult": "stormwatch.models",
    "AuthorStat": "stormwatch.models",
    "Recommendation": "stormwatch.models",
    "InputSummary": "stormwatch.models",
    "StormwatchError": "stormwatch.errors",
    "InputError": "stormwatch.errors",
    "SchemaError": "stormwatch.errors",
    "ConfigError": "stormwatch.errors",
    "FetchError": "stormwatch.errors",
    "fetch_mentions": "stormwatch.fetch.run",
    "to_json": "stormwatch.render.formats",
    "to_csv": "stormwatch.render.formats",
    "to_markdown": "stormwatch.render.formats",
}

__all__ = [
    "AuthorStat",
    "ConfigError",
    "FetchError",
    "InputError",
    "InputSummary",
    "ReadOptions",
    "Recommendation",
    "Report",
    "SchemaError",
    "Settings",
    "SignalResult",
    "Source",
    "StormwatchError",
    "Thresholds",
    "TopicResult",
    "Weights",
    "__version__",
    "analyse",
    "fetch_mentions",
    "load_settings",
    "load_sources",
    "read_source",
    "to_csv",
    "to_json",
    "to_markdown",
]

if TYPE_CHECKING:
    from stormwatch.errors import (
        ConfigError,
        FetchError,
        InputError,
        SchemaError,
        StormwatchError,
    )
    from stormwatch.fetch.run import fetch_mentions
    from stormwatch.models import (
        AuthorStat,
        InputSummary,
        Recommendation,
        Report,
        SignalResult,
        TopicResult,
    )
    from stormwatch.pipeline.analyse import analyse, load_sources
    from stormwatch.render.formats import to_csv, to_json, to_markdown
    from stormwatch.settings import Settings, Thresholds, Weights, load_settings
    from stormwatch.sources import ReadOptions, Source, read_source


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'stormwatch' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value
