"""Benchmark: `themes.distinguishing_terms` on a large topic (target: 200k baseline and 20k
current texts in < 2 s on the 2-core development machine).

The texts are synthetic, mixed English and German, ~20 words each with URLs, @handles and
#hashtags; the current window carries one injected theme, which must come out first. Reports the
time of the first call (including the one-off imports) and the best of the warm calls, with
its CPU time (all threads), which other load on the machine does not inflate.

    python benchmarks/bench_themes.py --baseline 200000 --current 20000
"""

from __future__ import annotations

import argparse
import os
import random
import time

from stormwatch.pipeline.themes import MAX_BASELINE, MAX_CURRENT, distinguishing_terms

WORDS_EN = [
    "the",
    "a",
    "my",
    "is",
    "was",
    "and",
    "but",
    "for",
    "with",
    "this",
    "fridge",
    "door",
    "freezer",
    "price",
    "order",
]
WORDS_DE = [
    "der",
    "die",
    "das",
    "ist",
    "war",
    "und",
    "aber",
    "für",
    "mit",
    "mein",
    "kühlschrank",
    "tür",
    "preis",
]
FILLER = [f"wort{i}" for i in range(5000)]  # long-tail vocabulary, Zipf-like use
EXTRAS = ["https://t.co/x1y2", "@kunde_42", "#kühlschrank", "#fail", "www.example.de/a", "&amp;"]
THEME = ["Die Tür schließt nicht richtig", "the door won't close", "Rückruf jetzt!"]


def corpus(n: int, seed: int, theme: float) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    weights = [1 / (rank + 1) for rank in range(len(FILLER))]
    texts, authors = [], []
    for _ in range(n):
        words = rng.choices(WORDS_EN if rng.random() < 0.5 else WORDS_DE, k=10)
        words += rng.choices(FILLER, weights=weights, k=10)
        if rng.random() < 0.3:
            words.append(rng.choice(EXTRAS))
        if rng.random() < theme:
            words.append(rng.choice(THEME))
        rng.shuffle(words)
        texts.append(" ".join(words))
        authors.append(f"@user{rng.randrange(max(1, n // 4))}")
    return texts, authors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=int, default=200_000)
    parser.add_argument("--current", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    base, base_authors = corpus(args.baseline, 1, theme=0.0)
    cur, cur_authors = corpus(args.current, 2, theme=0.2)
    times: list[float] = []
    cpu: list[float] = []
    for _ in range(args.repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        terms = distinguishing_terms(
            cur,
            base,
            exclude=["Siemens"],
            authors=cur_authors,
            baseline_authors=base_authors,
        )
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    print(
        f"themes: baseline {args.baseline:,} (sampled to {min(args.baseline, MAX_BASELINE):,}), "
        f"current {args.current:,} (sampled to {min(args.current, MAX_CURRENT):,}): "
        f"first call {times[0]:.2f} s, warm {min(times[1:] or times):.2f} s "
        f"(CPU {min(cpu[1:] or cpu):.2f} s on {os.cpu_count()} cores)"
    )
    print("top:", ", ".join(f"{t.term} ({t.weight:.1f})" for t in terms))


if __name__ == "__main__":
    main()
