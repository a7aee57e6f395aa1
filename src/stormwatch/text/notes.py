"""Notes and warnings for people, in English and German.

A :class:`Note` is made where the fact is known (``Note("no_usable", file=path)``) and is an
ordinary string in English, so the JSON output, logs and tests read it as before; the edge that
shows it asks for another language with :func:`say`. Numbers are written the language's way
(``12,345`` / ``12.345``), which is why parameters stay values until then.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from stormwatch.settings import Lang
from stormwatch.text.numbers import format_int

CATALOGUE: dict[str, dict[Lang, str]] = {
    # analyse: what the data supports
    "short_baseline": {
        "en": "not enough history for a baseline ({covered} complete {window} windows before "
        "the current one); volume and spread are not scored",
        "de": "zu wenig Vorlauf für eine Basis ({covered} vollständige {window}-Fenster vor "
        "dem aktuellen); Volumen und Ausbreitung werden nicht bewertet",
    },
    "partial_baseline": {
        "en": "the baseline covers {covered} of {windows} windows (the data starts later)",
        "de": "die Basis umfasst {covered} von {windows} Fenstern (die Daten beginnen später)",
    },
    "nothing_recent": {
        "en": "no mentions in the current window or the {baseline} baseline before it; the "
        "newest is from {newest} UTC",
        "de": "keine Erwähnungen im aktuellen Fenster oder in der {baseline}-Basis davor; die "
        "neueste stammt vom {newest} UTC",
    },
    "no_sentiment": {
        "en": "no sentiment in the data: negativity is not scored and every mention counts "
        "as potentially critical for influence",
        "de": "keine Tonalität in den Daten: Negativität wird nicht bewertet, und für den "
        "Einfluss zählt jede Erwähnung als möglicherweise kritisch",
    },
    "engagement_proxy": {
        "en": "no follower counts in the data: influence uses the engagement (likes, shares, "
        "comments) of the critical mentions as the proxy",
        "de": "keine Follower-Zahlen in den Daten: der Einfluss stützt sich ersatzweise auf "
        "die Interaktionen (Likes, Shares, Kommentare) der kritischen Erwähnungen",
    },
    "no_followers": {
        "en": "no follower counts in the data: influence is not scored",
        "de": "keine Follower-Zahlen in den Daten: Einfluss wird nicht bewertet",
    },
    "no_authors": {
        "en": "no author column in the data: spread is not scored",
        "de": "keine Autorenspalte in den Daten: Ausbreitung wird nicht bewertet",
    },
    # reading
    "cp1252": {
        "en": "{file}: read as Windows-1252 (cp1252): the file is not valid UTF-8",
        "de": "{file}: als Windows-1252 (cp1252) gelesen: die Datei ist kein gültiges UTF-8",
    },
    "ragged": {
        "en": "{file}: {count} of the first {sampled} rows have more fields than the header's "
        "{fields_header} (first at line {line}, {fields} fields); their extra fields are "
        "ignored and their columns may be shifted: texts that contain {delimiter} must be "
        "quoted",
        "de": "{file}: {count} der ersten {sampled} Zeilen haben mehr Felder als die "
        "Kopfzeile ({fields_header}; zuerst in Zeile {line}, {fields} Felder); die "
        "überzähligen Felder werden ignoriert, die Spalten können verschoben sein: Texte mit "
        "{delimiter} müssen in Anführungszeichen stehen",
    },
    "sheet": {
        "en": "{file}: read sheet {sheet}, the one that looks like mentions",
        "de": "{file}: Tabellenblatt {sheet} gelesen, das nach Erwähnungen aussieht",
    },
    "preset_mismatch": {
        "en": "{file}: --preset {preset}, but the file lacks {anchors}",
        "de": "{file}: --preset {preset}, aber der Datei fehlt {anchors}",
    },
    "joined_timestamp": {
        "en": "{file}: the timestamp is {columns} joined",
        "de": "{file}: der Zeitstempel ist aus {columns} zusammengesetzt",
    },
    "series": {
        "en": "{file}: a mention-volume series ({count} per {timestamp}): only volume "
        "signals can be scored",
        "de": "{file}: eine Volumen-Zeitreihe ({count} je {timestamp}): nur Volumensignale "
        "können bewertet werden",
    },
    "slow_timestamps": {
        "en": "{file}: {rows} not written as {spelling} (as the first rows are) were read with "
        "the general pattern (slower), none lost",
        "de": "{file}: {rows}, nicht wie die ersten Zeilen als {spelling} geschrieben, wurden "
        "mit dem allgemeinen Muster gelesen (langsamer), keiner verloren",
    },
    "slow_timestamps_files": {
        "en": "{rows} not written as the first rows of their file were read with the general "
        "pattern (slower), none lost",
        "de": "{rows}, nicht wie die ersten Zeilen ihrer Datei geschrieben, wurden mit dem "
        "allgemeinen Muster gelesen (langsamer), keiner verloren",
    },
    "one_timestamp": {"en": "1 timestamp", "de": "1 Zeitstempel"},
    "timestamps": {"en": "{count} timestamps", "de": "{count} Zeitstempel"},
    "estimated_lexicon": {
        "en": "{file}: {why}; sentiment estimated from text with the built-in English/German "
        "lexicon (language detected per text)",
        "de": "{file}: {why}; Tonalität aus dem Text geschätzt, mit dem eingebauten "
        "englisch-deutschen Lexikon (Sprache je Text erkannt)",
    },
    "estimated_model": {
        "en": "{file}: {why}; sentiment estimated from text with the trained model {model}",
        "de": "{file}: {why}; Tonalität aus dem Text geschätzt, mit dem trainierten Modell {model}",
    },
    "why_no_column": {"en": "no sentiment column", "de": "keine Tonalitätsspalte"},
    "why_stored": {
        "en": "mentions imported without sentiment",
        "de": "ohne Tonalität importierte Erwähnungen",
    },
    "why_empty_column": {
        "en": "the sentiment column is empty",
        "de": "die Tonalitätsspalte ist leer",
    },
    "read_by_header": {
        "en": "{file}: no timestamp column; text and sentiment read by header",
        "de": "{file}: keine Zeitstempelspalte; Text und Tonalität nach Spaltenkopf gelesen",
    },
    # rows that could not be used (backtest's per-file lines)
    "rows_left_out": {
        "en": "{file}: {reason}: {rows} left out (first at line {line}: {value})",
        "de": "{file}: {reason}: {rows} ausgelassen (zuerst in Zeile {line}: {value})",
    },
    "rows_left_empty": {
        "en": "{file}: {reason}: {rows} used, the value left empty (first at line {line}: {value})",
        "de": "{file}: {reason}: {rows} verwendet, der Wert leer gelassen (zuerst in Zeile "
        "{line}: {value})",
    },
    "one_row": {"en": "1 row", "de": "1 Zeile"},
    "rows": {"en": "{count} rows", "de": "{count} Zeilen"},
    "empty": {"en": "empty", "de": "leer"},
    "duplicate_times": {
        "en": "{file}: {count} duplicate rows (the same time again) counted once",
        "de": "{file}: {count} doppelte Zeilen (dieselbe Zeit noch einmal) einfach gezählt",
    },
    # scan's summary of the input
    "unusable": {
        "en": "{whose}{count} of {rows} rows could not be used and were left out:",
        "de": "{whose}{count} von {rows} Zeilen konnten nicht verwendet werden und wurden "
        "ausgelassen:",
    },
    "unusable_one": {
        "en": "{whose}1 of {rows} rows could not be used and was left out:",
        "de": "{whose}1 von {rows} Zeilen konnte nicht verwendet werden und wurde ausgelassen:",
    },
    "unreadable": {
        "en": "{whose}{count} of {rows} rows were used with a value that could not be read "
        "and was left empty:",
        "de": "{whose}{count} von {rows} Zeilen wurden verwendet, ein nicht lesbarer Wert "
        "wurde leer gelassen:",
    },
    "unreadable_one": {
        "en": "{whose}1 of {rows} rows was used with a value that could not be read and was "
        "left empty:",
        "de": "{whose}1 von {rows} Zeilen wurde verwendet, ein nicht lesbarer Wert wurde leer "
        "gelassen:",
    },
    "problem": {
        "en": "{reason}: {count} in {file} (first at line {line}: {value})",
        "de": "{reason}: {count} in {file} (zuerst in Zeile {line}: {value})",
    },
    "duplicates": {
        "en": "{count} duplicate mentions (same id, URL, or author, time and text in another "
        "file; in a volume series, the same time) were counted once.",
        "de": "{count} doppelte Erwähnungen (gleiche ID, URL oder Autor, Zeit und Text in "
        "einer anderen Datei; in einer Volumen-Zeitreihe dieselbe Zeit) wurden einfach "
        "gezählt.",
    },
    "after_at": {
        "en": "{count} mentions after --at were ignored.",
        "de": "{count} Erwähnungen nach --at wurden nicht berücksichtigt.",
    },
    "wrote": {"en": "wrote {path}.", "de": "{path} geschrieben."},
    "wrote_rejects": {
        "en": "wrote {count} set-aside rows to {path}.",
        "de": "{count} ausgesonderte Zeilen nach {path} geschrieben.",
    },
    "wrote_reject": {
        "en": "wrote 1 set-aside row to {path}.",
        "de": "1 ausgesonderte Zeile nach {path} geschrieben.",
    },
    "future_data": {
        "en": "the data reaches into the future; scan rejects timestamps a day ahead",
        "de": "die Daten reichen in die Zukunft; scan weist Zeitstempel mehr als einen Tag "
        "voraus zurück",
    },
    # fetch
    "fetch_left_out": {"en": "left out: {reasons}.", "de": "ausgelassen: {reasons}."},
    "fetch_limit": {
        "en": "stopped at --limit; the next fetch goes on from here.",
        "de": "bei --limit angehalten; der nächste Abruf macht hier weiter.",
    },
    "fetch_kept": {
        "en": "{count} new mentions were stored in {where} before the error; the next fetch "
        "resumes after them.",
        "de": "{count} neue Erwähnungen wurden vor dem Fehler in {where} gespeichert; der "
        "nächste Abruf setzt danach fort.",
    },
    "fetch_kept_one": {
        "en": "1 new mention was stored in {where} before the error; the next fetch resumes "
        "after it.",
        "de": "1 neue Erwähnung wurde vor dem Fehler in {where} gespeichert; der nächste Abruf "
        "setzt danach fort.",
    },
    "fetch_failed": {
        "en": "fetch {spec} failed ({error}); scanning what the store holds (last fetched: "
        "{since}).",
        "de": "Abruf {spec} fehlgeschlagen ({error}); gescannt wird, was der Speicher enthält "
        "(zuletzt abgerufen: {since}).",
    },
    "never": {"en": "never", "de": "nie"},
    # alert delivery
    "mail_refused": {
        "en": "the mail server refused {who} for: {what}",
        "de": "der Mailserver lehnte {who} ab für: {what}",
    },
    "dropped": {
        "en": "dropped {what} for {where}: no longer in the config",
        "de": "{what} für {where} verworfen: nicht mehr in der Konfiguration",
    },
    # backtest
    "no_usable": {
        "en": "{file}: no usable mentions, skipped",
        "de": "{file}: keine verwertbaren Erwähnungen, übersprungen",
    },
    "all_zero": {
        "en": "{file}: every count is 0: nothing to detect",
        "de": "{file}: jede Anzahl ist 0: nichts zu erkennen",
    },
    "short_history": {
        "en": "{file}: not enough history ({span} h of data, a baseline needs {needed} h): "
        "volume signals were never scored",
        "de": "{file}: zu wenig Vorlauf ({span} h Daten, eine Basis braucht {needed} h): "
        "Volumensignale wurden nie bewertet",
    },
    "flat_baseline": {
        "en": "{file}: {span} h of data: scored against a flat baseline (the time-of-day "
        "index needs {days} days of history)",
        "de": "{file}: {span} h Daten: gegen eine flache Basis bewertet (der Tagesgang "
        "braucht {days} Tage Vorlauf)",
    },
    "labels_per_topic": {
        "en": "labels for {key} apply to each of its {topics} topics; key them by topic to "
        "score one",
        "de": "die Labels für {key} gelten für jedes seiner {topics} Themen; nach Thema "
        "schlüsseln, um eines zu bewerten",
    },
    "labels_ambiguous": {
        "en": "labels for {key} match several inputs: key them by the path as given",
        "de": "die Labels für {key} passen zu mehreren Eingaben: nach dem angegebenen Pfad "
        "schlüsseln",
    },
    "labels_unmatched": {
        "en": "labels for {key} match no input file or topic",
        "de": "die Labels für {key} passen zu keiner Eingabedatei und keinem Thema",
    },
    "no_labels": {
        "en": "no labels for {stream}: its alerts count as false alarms",
        "de": "keine Labels für {stream}: seine Alarme zählen als Fehlalarme",
    },
    "window_outside": {
        "en": "{stream}: window {start}..{end} is outside the data, not scored",
        "de": "{stream}: das Fenster {start}..{end} liegt außerhalb der Daten, nicht bewertet",
    },
    "window_probation": {
        "en": "{stream}: window {start}..{end} ends in the first 15 % of the stream (NAB's "
        "probation): counted as a window, not in the NAB score",
        "de": "{stream}: das Fenster {start}..{end} endet in den ersten 15 % des Datenstroms "
        "(NABs Probezeit): als Fenster gezählt, nicht im NAB-Score",
    },
}

#: The word in front of a note or warning on stderr.
PREFIX: dict[str, dict[Lang, str]] = {
    "note": {"en": "Note", "de": "Hinweis"},
    "warning": {"en": "Warning", "de": "Warnung"},
}


def _value(value: object, lang: Lang) -> str:
    if isinstance(value, Note):
        return value.text(lang)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return format_int(value, lang)
    if isinstance(value, float):
        text = f"{value:.4g}"
        return text.replace(".", ",") if lang == "de" else text
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y %H:%M" if lang == "de" else "%Y-%m-%d %H:%M")
    return str(value)


#: Parameters that are numbers but not counts: written as they are (line 1251, not 1,251).
LITERAL = frozenset({"line"})


def render(key: str, lang: Lang, params: Mapping[str, object]) -> str:
    """The sentence ``key`` in ``lang`` with ``params`` written that language's way."""
    values = {k: str(v) if k in LITERAL else _value(v, lang) for k, v in params.items()}
    return CATALOGUE[key][lang].format(**values)


class Note(str):
    """A sentence from :data:`CATALOGUE`: the English text as a string, any language on
    request (:meth:`text`)."""

    key: str
    params: Mapping[str, object]

    def __new__(cls, key: str, /, **params: object) -> Note:
        note = super().__new__(cls, render(key, "en", params))
        note.key, note.params = key, params
        return note

    def text(self, lang: Lang) -> str:
        return render(self.key, lang, self.params)

    def __reduce__(self) -> tuple[Any, ...]:  # pickling and copying keep it a Note
        return (_rebuild, (self.key, dict(self.params)))


def _rebuild(key: str, params: dict[str, object]) -> Note:
    return Note(key, **params)


def say(note: str, lang: Lang) -> str:
    """``note`` in ``lang`` (a plain string, made before notes were translatable, as it is)."""
    return note.text(lang) if isinstance(note, Note) else note


def line(kind: str, note: str, lang: Lang) -> str:
    """``Note: …`` / ``Warning: …`` (``kind``: note or warning), all in ``lang``."""
    return f"{PREFIX[kind][lang]}: {say(note, lang)}"
