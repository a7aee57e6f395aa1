"""Fetching mentions from public APIs into the local mention store or an ``--out`` file.

Library first: ``fetch_mentions(source, query, http=…, sink=…, now=…, env=…)``; the CLI
builds the httpx client, the clock and the environment and passes them in.
"""

from __future__ import annotations

from stormwatch.fetch.base import SOURCES, source_module
from stormwatch.fetch.run import FetchResult, fetch_mentions

__all__ = ["SOURCES", "FetchResult", "fetch_mentions", "source_module"]
