"""The built-in English + German lexicon classifier: exact classifications, negation,
intensifiers, arousal, "against them" language, language detection, and accuracy floors on
hand-labelled sentences (tests/data/sentiment/*.csv)."""

from __future__ import annotations

import tomllib
from importlib import resources

import polars as pl
import pytest

from conftest import ROOT
from stormwatch.sentiment import classify, classify_expr
from stormwatch.sentiment.lexdata import LANGS, VALENCE, expand, fold

GOLD = ROOT / "tests" / "data" / "sentiment"


def one(text: str, language: str | None = None) -> dict[str, object]:
    row: dict[str, object] = classify([text], None if language is None else [language]).row(
        0, named=True
    )
    return row


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("This fridge is good", "positive"),
        ("This fridge is not good", "negative"),
        ("Not bad at all", "positive"),
        ("I don't find it helpful", "negative"),
        ("I don't think the service was helpful", "positive"),  # beyond three words: a limit
        ("Worst customer service ever. Never again!", "negative"),
        ("No problem, thanks for the quick reply", "positive"),
        ("The store opens at 9 on Monday", "neutral"),
        ("The door won't close and nobody answers", "neutral"),  # implicit: a known limit
        ("Great product but terrible support", "negative"),
        ("I have never been so disappointed", "negative"),
        ("Thanks for nothing", "negative"),
        ("super slow delivery", "negative"),
        ("Das ist gut", "positive"),
        ("Das ist nicht gut.", "negative"),
        ("Nicht schlecht, Herr Specht", "positive"),
        ("Schlecht ist es nicht.", "positive"),
        ("Das gefällt mir nicht.", "negative"),
        ("Kein Problem, danke!", "positive"),
        ("Nie wieder bestelle ich dort", "negative"),
        ("Hab mich noch nie so geärgert", "negative"),
        ("Danke für nichts", "negative"),
        ("Die Pressekonferenz beginnt um 10 Uhr", "neutral"),
        ("Guten Tag, wann öffnet die Filiale?", "neutral"),
        ("enttaeuscht von der Qualitaet", "negative"),  # umlauts spelt out
        ("😡😡😡", "negative"),
        ("Love it ❤️", "positive"),
        ("ok :(", "negative"),
        ("https://t.co/abc", "neutral"),
    ],
)
def test_exact_classifications(text: str, expected: str) -> None:
    assert one(text)["sentiment"] == expected


def test_negation_flips_within_three_words_and_the_clause_only() -> None:
    assert one("not good")["sentiment"] != "positive"
    assert one("nicht schlecht")["sentiment"] != "negative"
    assert one("not a really good idea")["sentiment"] == "negative"
    assert one("not that I mind, good")["sentiment"] == "positive"  # the comma ends the scope
    negated = one("not good")["score"]
    assert isinstance(negated, float)
    assert negated == pytest.approx(-1 / (1 + 15) ** 0.5)  # -0.5 * 2 points


def test_intensifiers_raise_and_diminishers_lower_the_score() -> None:
    scores = classify(
        ["good", "very good", "extremely good", "slightly good", "schlecht", "sehr schlecht"]
    )["score"].to_list()
    good, very, extremely, slightly, schlecht, sehr = scores
    assert slightly < good < very < extremely
    assert sehr < schlecht < 0
    assert one("GOOD")["score"] > good  # type: ignore[operator]
    assert one("good!!!")["score"] > good  # type: ignore[operator]


def test_high_arousal_terms_are_scored_separately() -> None:
    frame = classify(
        [
            "This is an outrage",
            "Was für eine Frechheit",
            "Abzocke!",
            "Der Datenskandal geht weiter",
            "#BoycottAcme",
            "Shitstorm incoming",
            "I am a bit disappointed",
            "THIS IS A DISGRACE!!",
            "The store opens at 9",
        ]
    )
    arousal = frame["arousal"].to_list()
    assert arousal[:6] == [0.5] * 6
    assert arousal[6] == 0.0  # negative, but calm
    assert arousal[7] == 0.75  # a high-arousal word (1), shouting (0.5) and "!!" (0.5)
    assert arousal[8] == 0.0
    assert one("The store opens at 9!!")["arousal"] == pytest.approx(1 - 0.5**0.5)


def test_against_them_language_is_flagged_unless_positive() -> None:
    frame = classify(
        [
            "You people are a joke",
            "Ihr da oben habt keine Ahnung",
            "Die Firma lügt",
            "this company only cares about money",
            "Thank you guys, great job!",
            "My fridge is broken",
        ]
    )
    assert frame["against"].to_list() == [True, True, True, True, False, False]


def test_language_is_detected_or_taken_from_the_export() -> None:
    frame = classify(["the fridge is broken", "der Kühlschrank ist kaputt", "Frechheit!"])
    assert frame["language"].to_list() == ["en", "de", "de"]
    # "gift" is a present in English and poison in German: the language column decides
    assert one("gift", "en")["language"] == "en"
    assert one("the fridge is broken", "de-DE")["language"] == "de"
    assert one("the fridge is broken", "fr")["language"] == "en"  # unknown: detected


def test_nulls_blanks_order_and_input_types() -> None:
    frame = classify(pl.Series(["good", None, "", "   ", "bad"]))
    assert frame.columns == ["sentiment", "score", "arousal", "against", "language"]
    assert frame["sentiment"].to_list() == ["positive", None, None, None, "negative"]
    assert frame.row(1) == (None, None, None, None, None)
    empty = classify([])
    assert empty.height == 0
    assert empty.schema == frame.schema
    with pytest.raises(ValueError, match="language has 1 values for 2 texts"):
        classify(["a", "b"], ["en"])


def test_the_expression_form_works_on_lazy_frames() -> None:
    texts = ["good", "schlecht", None]
    lazy = pl.LazyFrame({"text": texts}).select(classify_expr(pl.col("text")).alias("e"))
    assert lazy.collect().unnest("e").equals(classify(texts))


def test_many_texts_are_classified_by_column_operations() -> None:
    texts = ["The fridge is broken!!", "Danke, super Service", "Store opens at 9"] * 20_000
    frame = classify(texts)
    assert frame.height == 60_000
    assert frame["sentiment"].value_counts(sort=True)["count"].to_list() == [20_000] * 3


def test_large_inputs_are_classified_in_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    from stormwatch.sentiment import lexicon

    texts = ["good", "nicht gut", None, "you people!!", "Skandal"] * 4
    whole = classify(texts, ["en", "de", None, "en", "de"] * 4)
    monkeypatch.setattr(lexicon, "CHUNK", 3)
    assert classify(texts, ["en", "de", None, "en", "de"] * 4).equals(whole)


def _accuracy(name: str) -> tuple[float, pl.DataFrame]:
    gold = pl.read_csv(GOLD / f"{name}.csv")
    result = pl.concat([gold, classify(gold["text"])], how="horizontal")
    return float((result["label"] == result["sentiment"]).mean()), result  # type: ignore[arg-type]


def test_accuracy_on_hand_labelled_sentences() -> None:
    """Floors just under what was measured. ``gold`` (110 sentences) was used to build the
    lexicon; ``holdout`` (61) was measured once at 0.70 and then used to fill gaps; ``fresh``
    (61) was written afterwards and never tuned on: the honest figure (0.75)."""
    assert _accuracy("gold")[0] >= 0.97
    assert _accuracy("holdout")[0] >= 0.93
    fresh, result = _accuracy("fresh")
    assert fresh >= 0.74
    # Its errors are quiet complaints read as neutral, almost never the opposite polarity.
    flips = result.filter(
        (pl.col("label") == "negative") & (pl.col("sentiment") == "positive")
        | (pl.col("label") == "positive") & (pl.col("sentiment") == "negative")
    )
    assert flips.height <= 1


def test_lexicon_files_ship_with_the_package_and_are_consistent() -> None:
    for lang in LANGS:
        text = resources.files("stormwatch").joinpath(f"data/sentiment/{lang}.toml").read_text()
        data = tomllib.loads(text)
        seen: dict[str, str] = {}
        for name in VALENCE:
            for entry in data["valence"][name]:
                word = fold(entry.rstrip("*"))
                assert seen.setdefault(word, name) == name, f"{lang}: {entry} in {name}"
                assert " " not in word, f"{lang}: {entry!r}"
        assert sum(len(data["valence"][n]) for n in VALENCE) >= 300
        negators = set(expand(data["modifiers"]["negators"], lang))
        assert not negators & set(seen), f"{lang}: a negator with points"


def test_fold_spells_out_umlauts() -> None:
    assert fold("Enttäuscht’s GROß") == "enttaeuscht's gross"
