"""Benchmark: how well the themes name what a storm is about, on labelled simulated storms.

The simulator (``stormwatch.simulate.spec``) injects firestorms whose complaints come from known
templates (``simulate_text.FIRESTORM``, ``AMPLIFIER``, the negative ones): those phrases are
the truth. For every
firestorm of every seed, ``analyse`` runs at several moments after its onset (as
``scan --at``); a theme is right when all its words occur together in one injected template
(with the topic's products filled in: "door" is right only if a template says it). Reported:
precision@5 (right themes among the first five shown; a topic at watch or above with no theme
counts 0), the mean number of themes, and the share of evaluations with 3-6 themes.

    python benchmarks/bench_themes_quality.py --seeds 5
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import stormwatch as sw
from stormwatch.pipeline.themes import normalise_words, stop_words
from stormwatch.simulate import CSV_DATETIME, Firestorm, default_spec, simulate
from stormwatch.simulate.text import AMPLIFIER, FIRESTORM, PRODUCTS

HOURS = (3, 6, 10, 16, 24)  # evaluation moments after the onset


def truth(sector: str, brand: str) -> list[frozenset[str]]:
    """The word sets of the injected templates (placeholders filled with the sector's
    products; the brand and stop words dropped, as the themes drop them)."""
    drop = stop_words() | normalise_words(brand)
    products = [p.lower() for names in PRODUCTS[sector] for p in names]
    sets = []
    for table in (FIRESTORM, AMPLIFIER):
        for key, templates in table.items():
            if "-neg" not in key:  # the complaints; not the bystanders' or defenders' posts
                continue
            for template in templates:
                text = template.lower().replace("{product}", " ".join(products))
                text = text.replace("{produkt}", " ".join(products))
                words = re.findall(r"[#\w']+", re.sub(r"\{\w+\}", " ", text))
                sets.append(frozenset(w.strip("'") for w in words if w not in drop))
    return sets


def right(term: str, sets: list[frozenset[str]]) -> bool:
    words = {w.strip("#'").removesuffix("'s") for w in term.lower().split(" ")}
    return any(words <= s for s in sets)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    shown: list[float] = []
    counts: list[int] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        for seed in range(args.seeds):
            spec = default_spec(seed=seed, storms=2)
            frame, _ = simulate(spec, seed=seed)
            path = Path(folder) / f"sim{seed}.csv"
            frame.write_csv(path, datetime_format=CSV_DATETIME)
            sectors = {t.name: t.sector for t in spec.topics}
            for event in spec.events:
                if not isinstance(event, Firestorm):
                    continue
                sets = truth(sectors[event.topic], event.topic)
                for hours in HOURS:
                    report = sw.analyse(path, now=event.onset + timedelta(hours=hours))
                    topic = next(t for t in report.topics if t.topic == event.topic)
                    if topic.level == "calm":
                        continue
                    terms = [x.term for x in topic.themes[:5]]
                    hits = sum(right(x, sets) for x in terms)
                    shown.append(hits / len(terms) if terms else 0.0)
                    counts.append(len(topic.themes))
                    if args.verbose:
                        marks = ", ".join(f"{x}{'' if right(x, sets) else ' ✗'}" for x in terms)
                        print(f"seed {seed} {event.topic} +{hours}h ({topic.mentions}): {marks}")
    n = len(shown)
    print(
        f"themes on {n} evaluations of simulated firestorms ({args.seeds} seeds): "
        f"precision@5 {sum(shown) / max(n, 1):.3f}, mean themes {sum(counts) / max(n, 1):.1f}, "
        f"3-6 themes in {sum(3 <= c <= 6 for c in counts) / max(n, 1):.0%}, "
        f"none in {sum(c == 0 for c in counts) / max(n, 1):.0%} "
        f"({time.perf_counter() - started:.0f} s)"
    )


if __name__ == "__main__":
    main()
