"""A real interruption: `stormwatch fetch` killed with SIGTERM in the middle of a fetch, then
run again, stores every mention exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from fetch_helpers import Answer, Seen, algolia, hit, serve
from stormwatch.fetch.store import MentionStore


def test_sigterm_mid_fetch_then_resume_has_no_gaps_or_duplicates(tmp_path: Path) -> None:
    now = int(datetime.now(UTC).timestamp())
    hits = [hit(i, now - 600 - i * 300) for i in range(800)]  # ~2.8 days, several day slices
    inner = algolia(hits)
    gate = threading.Event()
    served: list[int] = []

    def stalls_after_one_page(req: Seen) -> Answer:
        if served:  # the fetch is killed while it waits for its next page
            gate.wait(30)
        answer = inner(req)
        if answer.body["hits"]:
            served.append(1)
        return answer

    store_dir = tmp_path / "store"
    with serve(stalls_after_one_page) as server:
        env = {**os.environ, "STORMWATCH_HN_URL": server.url}
        command = [sys.executable, "-m", "stormwatch", "fetch", "hn", "acme", "--since", "4d"]
        command += ["--store", str(store_dir), "--quiet"]
        process = subprocess.Popen(command, env=env)
        store = MentionStore(store_dir)
        deadline = time.monotonic() + 60
        while not store.files() and time.monotonic() < deadline:
            time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        gate.set()
        partial = pl.read_parquet(MentionStore(store_dir).files()).height
        assert 0 < partial < 800
        server.handler[0] = inner
        again = subprocess.run(command, env=env, timeout=120, check=False)
    assert again.returncode == 0
    frame = pl.read_parquet(MentionStore(store_dir).files())
    assert frame.height == 800
    assert frame["id"].n_unique() == 800
