"""The built-in lexicons (``data/sentiment/{en,de,common}.toml``) as polars frames.

Every entry is folded the way the classifier folds text (:func:`fold`): lower case, umlauts
spelt out, typographic apostrophes made plain. A trailing ``*`` expands to the word plus the
language's usual endings; explicit entries win over generated forms.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

import polars as pl

LANGS = ("en", "de")

#: Valence list -> points per word.
VALENCE = {
    "strong_negative": -3.0,
    "negative": -2.0,
    "weak_negative": -1.0,
    "weak_positive": 1.0,
    "positive": 2.0,
    "strong_positive": 3.0,
}
#: Modifier list -> factor on the next word(s).
MODIFIERS = {"strong_intensifiers": 2.0, "intensifiers": 1.5, "diminishers": 0.5}

SUFFIXES: Mapping[str, tuple[str, ...]] = {
    "en": ("s", "es", "ed", "d", "ing", "er", "est", "ly"),
    "de": (
        *("e", "n", "s", "en", "er", "es", "em", "ens", "ern"),
        *("ere", "eren", "erer", "eres", "erem"),
        *("ste", "sten", "ster", "stes", "stem", "este", "esten", "ester", "estes", "estem"),
    ),
}

_FOLD_FROM = ("ä", "ö", "ü", "ß", "’", "‘")
_FOLD_TO = ("ae", "oe", "ue", "ss", "'", "'")


def fold(text: str) -> str:
    """Python twin of :func:`fold_expr`: ``"Enttäuscht’"`` -> ``"enttaeuscht'"``."""
    text = text.lower()
    for old, new in zip(_FOLD_FROM, _FOLD_TO, strict=True):
        text = text.replace(old, new)
    return text


def fold_expr(expr: pl.Expr) -> pl.Expr:
    """Lower case, umlauts spelt out (ä -> ae, ß -> ss), typographic apostrophes made plain."""
    return expr.str.to_lowercase().str.replace_many(list(_FOLD_FROM), list(_FOLD_TO))


def expand(entries: Iterable[str], lang: str) -> dict[str, str]:
    """Folded word -> the entry it came from; ``word*`` adds the language's endings."""
    explicit: dict[str, str] = {}
    generated: dict[str, str] = {}
    for entry in entries:
        word = fold(entry.rstrip("*"))
        explicit.setdefault(word, entry)
        if entry.endswith("*"):
            for suffix in SUFFIXES[lang]:
                generated.setdefault(word + suffix, entry)
    return {**generated, **explicit}


def read_toml(name: str) -> dict[str, Any]:
    """One lexicon file shipped with the package."""
    text = resources.files("stormwatch").joinpath(f"data/sentiment/{name}.toml").read_text("utf-8")
    return tomllib.loads(text)


@dataclass(frozen=True)
class Lexicon:
    """Everything the classifier looks up.

    ``tokens``: one row per folded token with ``val_en``/``val_de`` (points or null),
    ``neg_*`` (negator), ``never_*`` / ``so_*`` ("never been so"), ``mod_*`` (factor or null),
    ``stop_*`` (stop word), ``contrast`` and ``arousal`` (both languages). The rest are matched
    on the cleaned text, padded with spaces: ``phrases`` (valence), ``stems`` (arousal,
    substrings), ``against``.
    """

    tokens: pl.DataFrame
    phrases: dict[str, float]
    stems: tuple[str, ...]
    against: tuple[str, ...]


def _pad(phrase: str) -> str:
    return f" {' '.join(fold(phrase).split())} "


def _token_rows(data: Mapping[str, Mapping[str, Any]], common: Mapping[str, Any]) -> pl.DataFrame:
    """The wide token table: one row per token, one column per (attribute, language)."""
    columns: dict[str, dict[str, Any]] = {}

    def put(column: str, words: Mapping[str, Any]) -> None:
        target = columns.setdefault(column, {})
        for word, value in words.items():
            target.setdefault(word, value)

    emoji = {fold(k): float(v) for k, v in common["valence"].items()}
    for lang in LANGS:
        lex = data[lang]
        valence: dict[str, float] = {}
        for name, points in VALENCE.items():
            for word in expand(lex["valence"][name], lang):
                valence.setdefault(word, points)
        put(f"val_{lang}", {**valence, **emoji})
        mods = lex["modifiers"]
        put(f"neg_{lang}", dict.fromkeys(expand(mods["negators"], lang), True))
        put(f"never_{lang}", dict.fromkeys(expand(mods["never"], lang), True))
        put(f"so_{lang}", dict.fromkeys(expand(mods["so"], lang), True))
        for name, factor in MODIFIERS.items():
            put(f"mod_{lang}", dict.fromkeys(expand(mods[name], lang), factor))
        put(f"stop_{lang}", dict.fromkeys(expand(lex["stopwords"]["words"], lang), True))
        put("contrast", dict.fromkeys(expand(mods["contrast"], lang), True))
        put("arousal", dict.fromkeys(expand(lex["arousal"]["words"], lang), True))
    put("arousal", dict.fromkeys(expand(common["arousal"]["words"], "en"), True))
    words = sorted({w for values in columns.values() for w in values})
    frame: dict[str, Any] = {"token": words}
    for column in sorted(columns):
        values = columns[column]
        flag = not column.startswith(("val_", "mod_"))
        frame[column] = [values.get(w, False if flag else None) for w in words]
    schema = {
        name: pl.Float64 if name.startswith(("val_", "mod_")) else pl.Boolean
        for name in frame
        if name != "token"
    }
    return pl.DataFrame(frame, schema={"token": pl.String, **schema})


@functools.cache
def lexicon() -> Lexicon:
    """The built-in English + German lexicon (read once per process)."""
    data = {lang: read_toml(lang) for lang in LANGS}
    common = read_toml("common")
    phrases: dict[str, float] = {}
    stems: list[str] = []
    against: list[str] = []
    for lang in LANGS:
        for phrase, value in data[lang]["phrases"].items():
            phrases[_pad(phrase)] = phrases.get(_pad(phrase), 0.0) + float(value)
        stems += [fold(s) for s in data[lang]["arousal"]["stems"]]
        against += [_pad(p) for p in data[lang]["against"]["phrases"]]
    return Lexicon(
        tokens=_token_rows(data, common),
        phrases=phrases,
        stems=tuple(dict.fromkeys(stems)),
        against=tuple(dict.fromkeys(against)),
    )
