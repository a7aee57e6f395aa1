"""themes.distinguishing_terms(): the words and phrases that set the current window apart."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import polars as pl
import pytest

from stormwatch.pipeline import themes
from stormwatch.pipeline.themes import (
    Term,
    distinguishing_terms,
    normalise_words,
    stop_words,
    term_occurrences,
)

EN_CHATTER = [
    "Just bought a new Siemens fridge, the freezer drawer is huge",
    "Which fridge is quieter, Siemens or Polarhaus?",
    "Energy label A+++ on my fridge, the power bill went down",
    "Fridge delivery was on time, the driver carried it upstairs",
    "Anyone know the price of the Siemens KG36 fridge?",
    "The ice maker works great, kids love it",
    "My fridge keeps the vegetables fresh for a week",
    "Looking for a fridge with a water dispenser under 800 euros",
    "Cleaned the fridge today, found a jar of pickles from 2009",
    "Our old freezer finally died, ordering a new one",
    "The salad drawer is too small for a family of five",
    "Compared energy labels for an hour, my head hurts",
]
EN_STORM = [
    "The door of my fridge won't close anymore",
    "Fridge door won't close, the seal is fine",
    "Third week and the door still won't close properly",
    "My fridge door won't close, is there a recall?",
    "Siemens needs a recall now, the doors don't close",
    "Why is there no recall yet? The door won't close on mine either",
    "Demand a recall: door won't close after two months",
    "Door will not close. Recall please",
]
DE_CHATTER = [
    "Neuer Kühlschrank von Siemens ist da, super leise!",
    "Welcher Gefrierschrank ist leiser, Siemens oder Polarhaus?",
    "Die Lieferung kam pünktlich, der Fahrer war sehr nett",
    "Energieeffizienz A+++ und trotzdem günstig im Verbrauch",
    "Hat jemand Erfahrung mit dem Eiswürfelbereiter?",
    "Das Gemüsefach hält den Salat eine Woche frisch",
    "Suche einen Kühlschrank mit Wasserspender unter 800 Euro",
    "Heute den Kühlschrank geputzt, Gurken von 2009 gefunden",
    "Unser alter Gefrierschrank ist endlich kaputt, bestelle einen neuen",
    "Das Gemüsefach ist für eine Familie zu klein",
    "Stundenlang Energielabel verglichen, mir brummt der Kopf",
    "Preis für den Siemens KG36 weiß jemand?",
]
DE_STORM = [
    "Die Tür schließt nicht mehr richtig!",
    "Kühlschrank-Tür schließt nicht, Dichtung ist in Ordnung",
    "Seit Wochen: die Tür schließt nicht. Wann kommt der Rückruf?",
    "Bei mir schließt die Tür auch nicht. Rückruf jetzt!",
    "Siemens muss einen Rückruf starten, die Türen schließen nicht",
    "Warum gibt es keinen Rückruf? Tu\u0308r schließt nicht",  # decomposed ü (macOS exports)
    "RÜCKRUF bitte, meine TÜR SCHLIESST nicht!",  # upper case, ß written as SS
    "Tür schließt nicht, Kundendienst reagiert nicht",
]

Texts = tuple[list[str], list[str]]


def cycle(texts: list[str], n: int, prefix: str, start: int = 0) -> Texts:
    """``n`` texts cycling through ``texts``, each by a different author ``@<prefix><i>``."""
    return [texts[(start + i) % len(texts)] for i in range(n)], [f"@{prefix}{i}" for i in range(n)]


def windows(chatter: list[str], storm: list[str], storm_texts: int = 16) -> tuple[Texts, Texts]:
    """A baseline of 240 chatter texts, and a current window of 12 chatter texts plus the storm."""
    base = cycle(chatter, 240, "b")
    chat, chat_authors = cycle(chatter, 12, "c", start=5)
    hot, hot_authors = cycle(storm, storm_texts, "s")
    return (chat + hot, chat_authors + hot_authors), base


def terms_of(current: Texts, baseline: Texts, **options: Any) -> list[str]:
    found = distinguishing_terms(
        current[0], baseline[0], authors=current[1], baseline_authors=baseline[1], **options
    )
    return [t.term for t in found]


def test_english_storm_terms_rank_first() -> None:
    current, baseline = windows(EN_CHATTER, EN_STORM)
    found = distinguishing_terms(
        current[0],
        baseline[0],
        authors=current[1],
        baseline_authors=baseline[1],
        exclude=["Siemens"],
    )
    # "door" and "close" alone are left out: the phrase covers them
    assert [t.term for t in found] == ["door close", "recall"]
    door = found[0]
    assert door.current_share == pytest.approx(12 / 28)  # 6 of 8 storm texts, twice, of 28
    assert door.baseline_share == 0.0
    assert door.weight > found[1].weight >= themes.MIN_Z


def test_german_storm_terms_rank_first_with_umlauts_and_sharp_s() -> None:
    current, baseline = windows(DE_CHATTER, DE_STORM)
    found = distinguishing_terms(
        current[0],
        baseline[0],
        authors=current[1],
        baseline_authors=baseline[1],
        exclude=["Siemens"],
        lang_hint="de",
    )
    # the decomposed "Tu\u0308r" counts as "tür"; "SCHLIESST" stays a spelling of its own
    assert [t.term for t in found] == ["rückruf", "tür schließt"]
    # 5 of the 8 storm texts each (twice over), of 28: with "Tu\u0308r" read apart it would be 4
    assert [t.current_share for t in found] == pytest.approx([10 / 28, 10 / 28])


def test_the_storm_is_found_without_authors_too() -> None:
    current, baseline = windows(EN_CHATTER, EN_STORM)
    found = distinguishing_terms(current[0], baseline[0], exclude=["Siemens"])
    assert [t.term for t in found] == ["door close", "recall"]


def test_stop_words_are_never_themes() -> None:
    storm = [
        "Why won't they answer? Why? Why is nobody there?",
        "Why don't they even answer their phone? Nobody there",
        "We have been waiting and waiting, why won't anyone answer",
        "I am so done with this, why can't they just answer",
    ]
    current, baseline = windows(EN_CHATTER, storm)
    found = terms_of(current, baseline, exclude=["Siemens"])
    assert found == ["answer"]
    stops = stop_words()
    assert {"why", "won't", "nobody", "there", "waiting"} & stops == {
        "why",
        "won't",
        "nobody",
        "there",
    }


def test_stop_word_lists() -> None:
    en, de, both = stop_words("en"), stop_words("de-AT"), stop_words()
    assert {"the", "won't", "rt"} <= en
    assert {"und", "nicht", "für", "fuer", "rt"} <= de
    assert "und" not in en
    assert "the" not in de
    assert both == en | de == stop_words("fr")
    assert all(w == w.lower().strip() and w for w in both)


def test_the_brand_is_excluded_in_every_form() -> None:
    storm = [
        "Kaltwerk freezer broke again, Kaltwerk support silent #kaltwerk",
        "@kaltwerk_help Kaltwerk's freezer broke after a week",
        "Is anyone else's KALTWERK freezer broke? #Kaltwerk",
        "Kaltwerk-Gefrierschrank kaputt, freezer broke",
    ]
    current, baseline = windows(EN_CHATTER, storm)
    unexcluded = terms_of(current, baseline, top=10)
    assert unexcluded == ["freezer broke", "#kaltwerk"]  # "kaltwerk" is in the same posts
    found = terms_of(current, baseline, top=10, exclude=["Kaltwerk"])
    assert found == ["freezer broke"]
    assert not any("kaltwerk" in term for term in found)


def test_one_author_repeating_themselves_is_not_a_theme() -> None:
    current, baseline = windows(EN_CHATTER, EN_STORM)
    spam = ["Boycott Polarhaus, their freezer is a scam #boycott"] * 40
    texts = current[0] + [*spam, "boycott everything lol"]
    authors = current[1] + ["@angry"] * 40 + ["@bystander"]
    found = distinguishing_terms(
        texts, baseline[0], authors=authors, baseline_authors=baseline[1], exclude=["Siemens"]
    )
    assert [t.term for t in found] == ["door close", "recall"]
    # Without authors every post is a voice of its own, and the spam would be the theme
    anonymous = [t.term for t in distinguishing_terms(texts, baseline[0], exclude=["Siemens"])]
    assert "#boycott" in anonymous


def test_a_theme_needs_enough_texts_and_authors() -> None:
    current, baseline = windows(EN_CHATTER, EN_STORM)
    texts = current[0] + ["compressor rattles"] * 3
    two = current[1] + ["@x", "@x", "@y"]
    one = current[1] + ["@x"] * 3
    kwargs: dict[str, Any] = {"baseline_authors": baseline[1], "exclude": ["Siemens"], "top": 10}
    assert "compressor rattles" not in [
        t.term for t in distinguishing_terms(texts, baseline[0], authors=one, **kwargs)
    ]
    assert "compressor rattles" not in [
        t.term
        for t in distinguishing_terms(texts, baseline[0], authors=two, min_authors=3, **kwargs)
    ]
    assert "compressor rattles" not in [
        t.term for t in distinguishing_terms(texts, baseline[0], authors=two, min_texts=4, **kwargs)
    ]


@pytest.mark.parametrize(
    ("current", "baseline"),
    [
        ([], EN_CHATTER),
        (EN_STORM, []),
        ([], []),
        ([None, "", "   "], EN_CHATTER),
        (EN_STORM, [None, " "]),
    ],
)
def test_empty_inputs(current: list[str | None], baseline: list[str | None]) -> None:
    assert distinguishing_terms(current, baseline) == []


def test_nothing_stands_out_in_an_ordinary_window() -> None:
    base = cycle(EN_CHATTER, 240, "b")
    current = cycle(EN_CHATTER, 60, "c", start=3)
    assert terms_of(current, base) == []


def test_top_limits_and_zero() -> None:
    current, baseline = windows(EN_CHATTER, EN_STORM)
    assert terms_of(current, baseline, exclude=["Siemens"], top=1) == ["door close"]
    assert terms_of(current, baseline, exclude=["Siemens"], top=0) == []


def test_deterministic_whatever_the_order() -> None:
    current, baseline = windows(DE_CHATTER + EN_CHATTER, DE_STORM + EN_STORM, storm_texts=32)
    runs = [
        distinguishing_terms(current[0], baseline[0], authors=current[1]),
        distinguishing_terms(current[0], baseline[0], authors=current[1]),
        distinguishing_terms(current[0][::-1], baseline[0][::-1], authors=current[1][::-1]),
    ]
    assert runs[0] == runs[1]
    assert [t.term for t in runs[2]] == [t.term for t in runs[0]]
    assert [t.weight for t in runs[2]] == pytest.approx([t.weight for t in runs[0]])
    assert [t.term for t in runs[0]] == ["door close", "recall", "rückruf", "tür schließt"]
    assert all(isinstance(t, Term) for t in runs[0])


def test_large_inputs_are_sampled_evenly_and_deterministically(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(themes, "MAX_BASELINE", 120)
    current, baseline = windows(EN_CHATTER, EN_STORM)
    first = distinguishing_terms(current[0], baseline[0], exclude=["Siemens"])
    again = distinguishing_terms(current[0], baseline[0], exclude=["Siemens"])
    assert first == again
    assert [t.term for t in first] == ["door close", "recall"]
    assert themes._sample(10, 4) == [0, 2, 5, 7]
    assert themes._sample(4, 4) is None


def test_mismatched_authors_are_an_error() -> None:
    with pytest.raises(ValueError, match="2 authors for 3 current texts"):
        distinguishing_terms(["a", "b", "c"], ["d"], authors=["x", "y"])
    with pytest.raises(ValueError, match="baseline"):
        distinguishing_terms(["a"], ["d"], baseline_authors=["x", "y"])


def test_tokenisation() -> None:
    texts = [
        "RT @kunde_42: Die Tu\u0308r schließt nicht! https://t.co/abc #Rückruf #Siemens",
        "Siemens's fridge door won’t close &amp; 7999 yuan wasted, see www.example.com/x or "
        "mail me@example.org",
        "Kühlschrank-Tür - ẞ-Test: Straße; siemens.de",
        None,
    ]
    drop = stop_words() | normalise_words(["Siemens"])
    rows = term_occurrences(pl.Series(texts, dtype=pl.String), drop).collect()
    by_doc = {doc: set(terms) for doc, terms in rows.group_by("doc").agg("term").iter_rows()}
    assert by_doc == {
        # handle, URL, "RT", "nicht" and the brand's hashtag gone; the hashtag kept with its #
        0: {"tür", "schließt", "tür schließt", "#rückruf"},
        # possessive, contraction, entity, number, domain, e-mail address
        1: {"fridge", "door", "close", "yuan", "wasted", "mail"}
        | {"fridge door", "door close", "close yuan", "yuan wasted"},
        # a hyphen splits a compound; " - " and ":" end a phrase; ẞ lower-cases to ß
        2: {"kühlschrank", "tür", "kühlschrank tür", "test", "straße"},
    }


def test_normalise_words() -> None:
    assert normalise_words(["@SiemensHome", "Bosch-Siemens", "Ü\u0308ber"]) >= {
        "siemenshome",
        "bosch",
        "siemens",
    }
    assert normalise_words("Siemens") == normalise_words(["Siemens"]) == {"siemens"}


def test_importing_themes_loads_no_heavy_libraries() -> None:
    code = (
        "import sys, stormwatch.pipeline.themes; "
        "print(sorted(m for m in ('polars', 'sklearn', 'numpy') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
