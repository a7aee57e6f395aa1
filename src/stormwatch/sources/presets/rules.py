"""Column rules: how one canonical column is computed from a table's raw String columns.

A rule names the vendor's columns as the vendor spells them (``"Hit Sentence"``,
``"author.public_metrics.followers_count"``); :class:`Header` finds them in a file after
normalising both sides (:func:`stormwatch.sources.schema.normalise_header`), and a
trailing ``*`` matches by prefix (CrowdTangle's ``Overperforming Score (weighted  —  …)``).
``bind`` returns the polars expression, still producing Strings (``pipeline.normalise`` types
them), or None when the file has none of the rule's columns.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from stormwatch.sources.schema import excel_text, normalise_header


class Header:
    """A table's header names, looked up by vendor spelling (normalised; ``Name*`` = prefix)."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = tuple(names)
        self._by_key: dict[str, str] = {}
        for name in self.names:
            self._by_key.setdefault(normalise_header(name), name)

    def find(self, name: str) -> str | None:
        """The file's header that ``name`` means, or None."""
        if name in self.names:
            return name
        if name.endswith("*"):
            prefix = normalise_header(name[:-1])
            return next((h for k, h in self._by_key.items() if k.startswith(prefix)), None)
        return self._by_key.get(normalise_header(name))

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.find(name) is not None


@dataclass(frozen=True)
class Bound:
    """A rule applied to one file: the String expression, a label for ``Source.columns`` (the
    header itself when the rule reads one column unchanged) and the headers it reads."""

    expr: pl.Expr
    label: str
    headers: tuple[str, ...]

    @property
    def is_plain(self) -> bool:
        """True when the value is one header's cells unchanged."""
        return self.label in self.headers and len(self.headers) == 1


class Rule(ABC):
    """How one canonical column is computed from raw String columns."""

    @abstractmethod
    def bind(self, header: Header) -> Bound | None:
        """The expression for this file, or None when the file lacks the needed columns."""

    @abstractmethod
    def describe(self) -> str:
        """A short human description (``stormwatch formats``)."""

    def columns(self) -> tuple[str, ...]:
        """The vendor column names the rule reads."""
        return ()


def _blank_to_null(expr: pl.Expr) -> pl.Expr:
    return pl.when(expr.str.strip_chars() != "").then(expr)


def _coalesce(exprs: Sequence[pl.Expr]) -> pl.Expr:
    return exprs[0] if len(exprs) == 1 else pl.coalesce([_blank_to_null(e) for e in exprs])


def number(expr: pl.Expr) -> pl.Expr:
    """A count written ``1234``, ``'1234`` (Excel's text guard), ``1,234`` or ``1.234``
    (thousands separators) or ``1234.0`` (a spreadsheet number) -> Float64; else null."""
    text = excel_text(expr)
    grouped = text.str.contains(r"^-?\d{1,3}([,.]\d{3})+$")
    text = pl.when(grouped).then(text.str.replace_all(r"[,.]", "")).otherwise(text)
    return text.cast(pl.Float64, strict=False)


def _integer_text(value: pl.Expr) -> pl.Expr:
    return value.round(0).cast(pl.Int64, strict=False).cast(pl.String)


#: US/European abbreviations as CrowdTangle and dashboards print them -> UTC offset.
#: Ambiguous ones take the reading their (US-based) vendors mean: CST = US Central, IST absent.
TZ_OFFSETS: Mapping[str, str] = {
    "UTC": "+0000", "GMT": "+0000", "Z": "+0000", "WET": "+0000", "WEST": "+0100",
    "BST": "+0100", "CET": "+0100", "CEST": "+0200", "MET": "+0100", "MEST": "+0200",
    "EET": "+0200", "EEST": "+0300", "MSK": "+0300",
    "EST": "-0500", "EDT": "-0400", "CST": "-0600", "CDT": "-0500", "MST": "-0700",
    "MDT": "-0600", "PST": "-0800", "PDT": "-0700", "AKST": "-0900", "AKDT": "-0800",
    "HST": "-1000", "AST": "-0400", "ADT": "-0300", "NST": "-0330", "NDT": "-0230",
    "BRT": "-0300", "ART": "-0300", "JST": "+0900", "KST": "+0900", "HKT": "+0800",
    "SGT": "+0800", "AWST": "+0800", "ACST": "+0930", "ACDT": "+1030", "AEST": "+1000",
    "AEDT": "+1100", "NZST": "+1200", "NZDT": "+1300",
}  # fmt: skip

_TZ_TOKEN = r"\s+([A-Za-z]{1,5})$"


def tz_abbreviation_to_offset(expr: pl.Expr) -> pl.Expr:
    """``2024-01-05 10:00:00 EST`` -> ``2024-01-05 10:00:00 -0500`` (parsed with ``%z``).
    Values without a known abbreviation stay as they are (and fail an aware format visibly)."""
    token = expr.str.extract(_TZ_TOKEN, 1).str.to_uppercase()
    offset = token.replace_strict(dict(TZ_OFFSETS), default=None, return_dtype=pl.String)
    rewritten = pl.concat_str([expr.str.replace(_TZ_TOKEN, ""), pl.lit(" "), offset])
    return pl.when(offset.is_not_null()).then(rewritten).otherwise(expr)


#: English (Meltwater) and German language names -> ISO 639-1.
LANGUAGE_CODES: Mapping[str, str] = {
    "English": "en", "German": "de", "Spanish": "es", "French": "fr", "Italian": "it",
    "Portuguese": "pt", "Dutch": "nl", "Polish": "pl", "Swedish": "sv", "Danish": "da",
    "Norwegian": "no", "Finnish": "fi", "Turkish": "tr", "Russian": "ru", "Ukrainian": "uk",
    "Arabic": "ar", "Japanese": "ja", "Chinese": "zh", "Korean": "ko", "Czech": "cs",
    "Greek": "el", "Hungarian": "hu", "Romanian": "ro",
    "Englisch": "en", "Deutsch": "de", "Spanisch": "es", "Französisch": "fr",
    "Italienisch": "it", "Niederländisch": "nl",
}  # fmt: skip

#: Named clean-ups a :class:`Col` may apply (the name shows in ``stormwatch formats``).
CLEANERS: Mapping[str, Callable[[pl.Expr], pl.Expr]] = {
    "lower-case": lambda e: e.str.strip_chars().str.to_lowercase(),
    "without leading '": excel_text,
    "without thousands separators": lambda e: _integer_text(number(e)),
    "timezone abbreviation -> offset": tz_abbreviation_to_offset,
    "language name -> ISO code": lambda e: e.replace(dict(LANGUAGE_CODES)),
}


@dataclass(frozen=True)
class Col(Rule):
    """The first non-empty of ``names`` row by row (usually just one column), optionally
    cleaned by one of :data:`CLEANERS`."""

    names: tuple[str, ...]
    clean: str | None = None

    def __init__(self, *names: str, clean: str | None = None) -> None:
        if clean is not None and clean not in CLEANERS:
            raise ValueError(f"unknown clean-up {clean!r}")
        object.__setattr__(self, "names", names)
        object.__setattr__(self, "clean", clean)

    def bind(self, header: Header) -> Bound | None:
        found = [h for h in (header.find(n) for n in self.names) if h is not None]
        found = list(dict.fromkeys(found))
        if not found:
            return None
        label = " | ".join(found)
        expr = _coalesce([pl.col(h) for h in found])
        if self.clean is not None:
            expr = CLEANERS[self.clean](expr)
            label = f"{label} ({self.clean})"
        return Bound(expr, label, tuple(found))

    def describe(self) -> str:
        text = " | ".join(self.names)
        return f"{text} ({self.clean})" if self.clean else text

    def columns(self) -> tuple[str, ...]:
        return self.names


@dataclass(frozen=True)
class Const(Rule):
    """The same value on every row (a platform the format implies)."""

    value: str

    def bind(self, header: Header) -> Bound | None:
        return Bound(pl.lit(self.value, dtype=pl.String), f"= {self.value}", ())

    def describe(self) -> str:
        return f"= {self.value!r}"


def _date_part(expr: pl.Expr) -> pl.Expr:
    """A date cell; a spreadsheet date cell read as ``2026-02-06 00:00:00`` loses the time."""
    return expr.str.strip_chars().str.replace(r"[ T]00:00(:00(\.0+)?)?$", "")


def _time_part(expr: pl.Expr) -> pl.Expr:
    """A time cell; one read with a date in front (``1899-12-31 15:03:00``) keeps the time."""
    text = expr.str.strip_chars()
    return pl.coalesce(text.str.extract(f"({CLOCK})$", 1), text)


#: A time of day: ``15:03``, ``15:03:07.5``, ``3:03 PM``.
CLOCK = r"\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AaPp]\.?[Mm]\.?)?"


@dataclass(frozen=True)
class Join(Rule):
    """A date column and a time column joined with ``sep`` (Brand24 ``Date`` + ``Hrs`` -> one
    timestamp). The first column is required; a missing or empty time is left out."""

    names: tuple[str, ...]
    sep: str = " "

    def __init__(self, *names: str, sep: str = " ") -> None:
        object.__setattr__(self, "names", names)
        object.__setattr__(self, "sep", sep)

    def bind(self, header: Header) -> Bound | None:
        first = header.find(self.names[0])
        if first is None:
            return None
        rest = [h for h in (header.find(n) for n in self.names[1:]) if h is not None]
        if not rest:
            return Bound(pl.col(first), first, (first,))
        parts = [_date_part(pl.col(first))]
        parts += [_blank_to_null(_time_part(pl.col(h))) for h in rest]
        expr = pl.when(_blank_to_null(pl.col(first)).is_not_null()).then(
            pl.concat_str(parts, separator=self.sep, ignore_nulls=True)
        )
        return Bound(expr, " + ".join([first, *rest]), (first, *rest))

    def describe(self) -> str:
        return " + ".join(self.names)

    def columns(self) -> tuple[str, ...]:
        return self.names


@dataclass(frozen=True)
class Numbers(Rule):
    """The ``sum`` or ``max`` of the counts in ``names`` (thousands separators removed);
    null when every cell is empty."""

    how: str
    names: tuple[str, ...]

    def __init__(self, how: str, *names: str) -> None:
        if how not in ("sum", "max"):
            raise ValueError(f"unknown aggregate {how!r}")
        object.__setattr__(self, "how", how)
        object.__setattr__(self, "names", names)

    def bind(self, header: Header) -> Bound | None:
        found = [h for h in (header.find(n) for n in self.names) if h is not None]
        if not found:
            return None
        values = [number(pl.col(h)) for h in found]
        combined = pl.max_horizontal(values) if self.how == "max" else pl.sum_horizontal(values)
        any_value = pl.any_horizontal([v.is_not_null() for v in values])
        expr = pl.when(any_value).then(_integer_text(combined))
        return Bound(expr, f"{self.how}({', '.join(found)})", tuple(found))

    def describe(self) -> str:
        return f"{self.how}({', '.join(self.names)})"

    def columns(self) -> tuple[str, ...]:
        return self.names


@dataclass(frozen=True)
class Template(Rule):
    """A string built from columns, e.g. ``https://twitter.com/{author.username}/status/{id}``;
    null where one of them is empty."""

    pattern: str
    names: tuple[str, ...]

    def __init__(self, pattern: str, *names: str) -> None:
        object.__setattr__(self, "pattern", pattern)
        object.__setattr__(self, "names", names)

    def bind(self, header: Header) -> Bound | None:
        found = [header.find(n) for n in self.names]
        if any(h is None for h in found):
            return None
        headers = tuple(h for h in found if h is not None)
        pieces = self.pattern.split("{}")
        parts: list[pl.Expr] = [pl.lit(pieces[0])]
        for h, piece in zip(headers, pieces[1:], strict=True):
            parts += [_blank_to_null(pl.col(h).str.strip_chars()), pl.lit(piece)]
        return Bound(pl.concat_str(parts), self.describe(), headers)

    def describe(self) -> str:
        return self.pattern.format(*(f"{{{n}}}" for n in self.names))

    def columns(self) -> tuple[str, ...]:
        return self.names


@dataclass(frozen=True)
class First(Rule):
    """The first rule that has a value, row by row (a column, else a fallback)."""

    rules: tuple[Rule, ...]

    def __init__(self, *rules: Rule) -> None:
        object.__setattr__(self, "rules", rules)

    def bind(self, header: Header) -> Bound | None:
        bound = [b for b in (r.bind(header) for r in self.rules) if b is not None]
        if not bound:
            return None
        if len(bound) == 1:
            return bound[0]
        headers = tuple(dict.fromkeys(h for b in bound for h in b.headers))
        label = " | ".join(b.label for b in bound)
        return Bound(_coalesce([b.expr for b in bound]), label, headers)

    def describe(self) -> str:
        return " | ".join(r.describe() for r in self.rules)

    def columns(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(n for r in self.rules for n in r.columns()))


@dataclass(frozen=True)
class Unless(Rule):
    """``rule``'s value, but null on rows where column ``marker`` is filled (twarc's retweet
    rows repeat the original tweet's metrics: counting them again would double count)."""

    rule: Rule
    marker: str

    def bind(self, header: Header) -> Bound | None:
        bound = self.rule.bind(header)
        marker = header.find(self.marker)
        if bound is None or marker is None:
            return bound
        expr = pl.when(_blank_to_null(pl.col(marker)).is_null()).then(bound.expr)
        label = f"{bound.label}, unless {marker}"
        return Bound(expr, label, (*bound.headers, marker))

    def describe(self) -> str:
        return f"{self.rule.describe()}, empty where {self.marker} is set"

    def columns(self) -> tuple[str, ...]:
        return (*self.rule.columns(), self.marker)
