"""Sentiment for files that have none, inside the scan: a lazy, batch-wise polars expression
over each mention's text (a trained model, else the built-in lexicon), and the note that flags
the estimate per file.

Which files: those without a sentiment column, and those whose column turned out to be empty
(``analyse`` finds that from its summary, without another pass over files that do have
sentiment). Rows of a file with its own sentiment are never touched; texts that are null or
blank stay unrated.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from stormwatch.errors import ConfigError
from stormwatch.sentiment.lexicon import classify
from stormwatch.sentiment.model import RETRAIN, TextModel, default_model_path, load_model
from stormwatch.text.notes import Note

if TYPE_CHECKING:
    from stormwatch.models import InputSummary
    from stormwatch.sources import Source

LEXICON = "lexicon"


@dataclass(frozen=True)
class Estimator:
    """How missing sentiment is estimated: the trained model at ``model_path`` when given (read
    on first use, so scans of files with sentiment never load it), else the built-in lexicon."""

    model_path: Path | None = None

    @functools.cached_property
    def model(self) -> TextModel | None:
        """The trained model, or None for the lexicon. Raises ConfigError for a bad file."""
        return load_model(self.model_path) if self.model_path is not None else None

    @property
    def name(self) -> str:
        """``lexicon``, or the model file's path (the JSON ``sentiment_estimator``)."""
        return LEXICON if self.model_path is None else str(self.model_path)

    def expr(self, text: pl.Expr, language: pl.Expr) -> pl.Expr:
        """:meth:`labels` of ``text`` as an expression, computed batch by batch when the lazy
        frame runs."""
        if self.model is not None:  # reads the text alone
            return text.map_batches(self.labels, return_dtype=pl.String, is_elementwise=True)
        return pl.struct(text.alias("text"), language.alias("language")).map_batches(
            self._rows, return_dtype=pl.String, is_elementwise=True
        )

    def labels(self, texts: pl.Series, languages: pl.Series | None = None) -> pl.Series:
        """The estimated ``negative``/``neutral``/``positive`` of each of ``texts``, in order
        and named as ``texts`` (null where a text is null or blank): what every engine calls
        (polars through :meth:`expr`, Spark on its executors). ``languages``: the export's
        language codes per text; ``en``/``de`` override the lexicon's detection (a trained
        model reads the text alone)."""
        model = self.model
        frame = texts.alias("text").to_frame()
        if model is not None:
            return _labelled(frame, lambda f: model.predict(f["text"])["sentiment"], texts.name)
        if languages is None:  # none given: the lexicon detects each text's language
            languages = pl.Series("language", [], pl.String).extend_constant(None, len(texts))
        frame = frame.with_columns(languages.alias("language"))
        return _labelled(
            frame, lambda f: classify(f["text"], f["language"])["sentiment"], texts.name
        )

    def _rows(self, rows: pl.Series) -> pl.Series:
        return self.labels(rows.struct.field("text"), rows.struct.field("language")).alias(
            rows.name
        )

    def note(self, path: str, why: str = "why_no_column") -> str:
        """``FILE: no sentiment column; sentiment estimated from text with …`` (``why``: the
        note naming the reason, ``why_no_column``, ``why_empty_column`` or ``why_stored``)."""
        why = Note(why)
        if self.model_path is None:
            return Note("estimated_lexicon", file=path, why=why)
        return Note("estimated_model", file=path, why=why, model=str(self.model_path))


#: The default estimator: the built-in lexicon.
BUILT_IN = Estimator()


def _labelled(
    frame: pl.DataFrame, label: Callable[[pl.DataFrame], pl.Series], name: str
) -> pl.Series:
    """``label`` of the rows of ``frame`` with a non-blank ``text``, null for the others, in
    order: a batch of null texts (outside the scored horizon, see ``normalise``) costs nothing."""
    known = frame["text"].str.strip_chars().str.len_chars().fill_null(0) > 0
    if frame.height and known.all():
        return label(frame).alias(name)
    result = pl.Series(name, [], dtype=pl.String).extend_constant(None, frame.height)
    if not known.any():
        return result
    return result.scatter(known.arg_true(), label(frame.filter(known)))


def estimator(enabled: bool = True, model_path: str | Path | None = None) -> Estimator | None:
    """The estimator a scan uses: None when estimation is off; the model at ``model_path``
    (checked to exist now, read when first needed), else the lexicon."""
    if not enabled:
        return None
    if model_path is None:
        return Estimator()
    path = Path(model_path).expanduser()
    if not path.is_file():
        raise ConfigError("sentiment model not found", path=path, hint=RETRAIN)
    return Estimator(path)


def installed_model(env: Mapping[str, str]) -> Path | None:
    """The model ``stormwatch train-sentiment`` saved in the app directory, if there is one
    (the default of ``sentiment_model``)."""
    path = default_model_path(env)
    return path if path.is_file() else None


def estimates(source: Source, empty: bool = False) -> bool:
    """Whether a scan estimates the sentiment of ``source``: a file of mentions with a text
    column and no sentiment column (or one known to be ``empty``); the store's mentions when
    some inside the scan's horizon were imported so (``CanonicalStore.source`` keeps their
    ``_estimate`` column only then)."""
    if source.kind == "store":
        return "_estimate" in source.frame.collect_schema()
    has_text = source.kind == "mentions" and "text" in source.columns
    return has_text and (empty or "sentiment" not in source.columns)


def empty_columns(
    sources: Sequence[Source], usable: pl.DataFrame, estimate: Estimator | None
) -> list[str]:
    """The files with text whose sentiment column is empty, as far as the scan's summary of the
    ``usable`` mentions (a ``rated`` count per group) tells: all of them when nothing in the
    whole input is rated. When something is, the summary cannot say from which file, and files
    that have sentiment must not cost another pass: their columns count as filled."""
    if estimate is None:
        return []
    found = [
        s.path
        for s in sources
        if s.kind == "mentions" and "sentiment" in s.columns and estimates(s, empty=True)
    ]
    return found if found and usable["rated"].sum() == 0 else []


def flag_estimates(
    summary: InputSummary,
    sources: Sequence[Source],
    estimate: Estimator | None,
    empty: Collection[str] = (),
) -> InputSummary:
    """``summary`` with a note per input whose sentiment was estimated (``empty``: files
    whose column was empty), ``sentiment_estimated`` and ``sentiment_estimator``."""
    if estimate is None:
        return summary
    found = [(s.path, _why(s, s.path in empty)) for s in sources if estimates(s, s.path in empty)]
    return with_estimates(summary, found, estimate)


def _why(source: Source, empty: bool) -> str:
    """The note naming why ``source``'s sentiment is estimated (see :meth:`Estimator.note`)."""
    if source.kind == "store":
        return "why_stored"
    return "why_empty_column" if empty else "why_no_column"


def with_estimates(
    summary: InputSummary, found: Sequence[tuple[str, str]], estimate: Estimator
) -> InputSummary:
    """``summary`` with a note per ``(input, why)`` of ``found`` (see :meth:`Estimator.note`),
    ``sentiment_estimated`` and ``sentiment_estimator``; as it is when ``found`` is empty."""
    if not found:
        return summary
    return replace(
        summary,
        notes=(*summary.notes, *(estimate.note(path, why) for path, why in found)),
        sentiment_estimated=tuple(path for path, _ in found),
        sentiment_estimator=estimate.name,
    )
