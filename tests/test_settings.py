"""Settings: durations, levels, validation and the flag > env > file > default precedence."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from stormwatch.errors import ConfigError, StormwatchError
from stormwatch.settings import (
    CONFIG_KEYS,
    Settings,
    Thresholds,
    Weights,
    env_var,
    format_duration,
    load_settings,
    parse_duration,
    read_config_file,
)

NOT_A_DURATION = "is not a duration; expected a number and a unit, e.g. 1h, 30m, 7d"


# --- parse_duration / format_duration -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30m", timedelta(minutes=30)),
        ("5min", timedelta(minutes=5)),
        ("1h", timedelta(hours=1)),
        ("1H", timedelta(hours=1)),
        (" 2 h ", timedelta(hours=2)),
        ("1.5h", timedelta(minutes=90)),
        ("1.1h", timedelta(minutes=66)),  # exact: floats make it 3960.0000000000005 s
        ("90s", timedelta(seconds=90)),
        ("10sec", timedelta(seconds=10)),
        ("7d", timedelta(days=7)),
        ("2w", timedelta(days=14)),
    ],
)
def test_parse_duration_valid(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "1", "h", "1y", "1 hour", "-1h", "1h30m", "abc", "1,5h"])
def test_parse_duration_rejects_garbage_with_exact_message(text: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(f'{text!r} {NOT_A_DURATION}')}$"):
        parse_duration(text)


@pytest.mark.parametrize("text", ["0h", "0m", "0.0d"])
def test_parse_duration_rejects_zero(text: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(f'{text!r} must be longer than zero')}$"):
        parse_duration(text)


@pytest.mark.parametrize("text", ["0.5s", "0.0000001s", "1.5s"])
def test_parse_duration_wants_whole_seconds(text: str) -> None:
    # format_duration spells whole seconds; a fraction would be shown wrongly (or divide by 0).
    with pytest.raises(ValueError, match=f"^{re.escape(f'{text!r} is not a whole number')}"):
        parse_duration(text)


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (timedelta(hours=1), "1h"),
        (timedelta(minutes=30), "30m"),
        (timedelta(minutes=90), "90m"),
        (timedelta(seconds=90), "90s"),
        (timedelta(days=7), "7d"),
        (timedelta(weeks=2), "14d"),
        (timedelta(hours=36), "36h"),
        (timedelta(days=1, seconds=1), "86401s"),
    ],
)
def test_format_duration_is_the_shortest_exact_spelling(delta: timedelta, expected: str) -> None:
    assert format_duration(delta) == expected
    assert parse_duration(expected) == delta


# --- Thresholds.level -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "level"),
    [
        (0.0, "calm"),
        (24.9, "calm"),
        (25.0, "watch"),
        (49.9, "watch"),
        (50.0, "warning"),
        (74.9, "warning"),
        (75.0, "storm"),
        (100.0, "storm"),
    ],
)
def test_default_level_boundaries(score: float, level: str) -> None:
    assert Thresholds().level(score) == level


def test_custom_level_boundaries() -> None:
    t = Thresholds(watch=10, warning=20, storm=30)
    assert [t.level(s) for s in (9.99, 10, 19.99, 20, 29.99, 30)] == [
        "calm",
        "watch",
        "watch",
        "warning",
        "warning",
        "storm",
    ]


# --- Settings validation --------------------------------------------------------------------


def test_defaults() -> None:
    s = Settings()
    assert (s.window, s.baseline, s.by, s.lang) == (
        timedelta(hours=1),
        timedelta(days=7),
        None,
        "en",
    )
    assert s.baseline_windows == 168
    assert s.weights.as_dict() == {
        "velocity": 40.0,
        "influence": 25.0,
        "negativity": 20.0,
        "spread": 15.0,
    }
    assert s.thresholds == Thresholds(25.0, 50.0, 75.0)


def test_baseline_windows_counts_whole_windows() -> None:
    assert Settings(window=timedelta(minutes=45), baseline=timedelta(hours=4)).baseline_windows == 5
    assert Settings(window=timedelta(hours=1), baseline=timedelta(hours=2)).baseline_windows == 2


@pytest.mark.parametrize(
    ("kwargs", "message", "hint"),
    [
        (
            {"baseline": timedelta(hours=1)},
            "baseline (1h) must be at least two windows (1h each)",
            "use a longer --baseline or a shorter --window",
        ),
        (
            {"window": timedelta(hours=2), "baseline": timedelta(hours=3, minutes=59)},
            "baseline (239m) must be at least two windows (2h each)",
            "use a longer --baseline or a shorter --window",
        ),
        (
            {"thresholds": Thresholds(watch=50, warning=50, storm=75)},
            "levels must rise within 0..100 (watch 50, warning 50, storm 75)",
            "e.g. watch = 25, warning = 50, storm = 75",
        ),
        (
            {"thresholds": Thresholds(watch=25, warning=80, storm=75)},
            "levels must rise within 0..100 (watch 25, warning 80, storm 75)",
            "e.g. watch = 25, warning = 50, storm = 75",
        ),
        (
            {"thresholds": Thresholds(watch=0, warning=50, storm=75)},
            "levels must rise within 0..100 (watch 0, warning 50, storm 75)",
            "e.g. watch = 25, warning = 50, storm = 75",
        ),
        (
            {"thresholds": Thresholds(watch=25, warning=50, storm=100.5)},
            "levels must rise within 0..100 (watch 25, warning 50, storm 100.5)",
            "e.g. watch = 25, warning = 50, storm = 75",
        ),
        (
            {"weights": Weights(velocity=-1)},
            "signal weights must be >= 0 and not all zero",
            "give each weight in [weights] 0 or more, at least one above 0 "
            "(velocity = 40 is the default)",
        ),
        (
            {"weights": Weights(0, 0, 0, 0)},
            "signal weights must be >= 0 and not all zero",
            "give each weight in [weights] 0 or more, at least one above 0 "
            "(velocity = 40 is the default)",
        ),
        (
            {"weights": Weights(spread=float("nan"))},
            "signal weights must be finite numbers",
            "e.g. velocity = 40 in [weights]",
        ),
        (
            {"weights": Weights(velocity=float("inf"))},
            "signal weights must be finite numbers",
            "e.g. velocity = 40 in [weights]",
        ),
        ({"lang": "fr"}, "unknown language 'fr'", "use en or de"),
    ],
)
def test_settings_validation(kwargs: dict[str, object], message: str, hint: str | None) -> None:
    with pytest.raises(ConfigError) as info:
        Settings(**kwargs)  # type: ignore[arg-type]
    assert (str(info.value), info.value.hint) == (message, hint)
    assert isinstance(info.value, StormwatchError)


def test_settings_edge_values_are_valid() -> None:
    s = Settings(
        window=timedelta(hours=1),
        baseline=timedelta(hours=2),
        thresholds=Thresholds(watch=0.1, warning=0.2, storm=100),
        weights=Weights(velocity=1, influence=0, negativity=0, spread=0),
        lang="de",
    )
    assert (s.baseline_windows, s.thresholds.storm, s.lang) == (2, 100, "de")


# --- load_settings: precedence ------------------------------------------------------------------


def write(tmp_path: Path, text: str, name: str = "stormwatch.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


FULL_FILE = """\
[scan]
window = "30m"
baseline = "2d"
by = "brand"
lang = "de"

[weights]
velocity = 10
influence = 20.5
negativity = 30
spread = 40

[levels]
watch = 20
warning = 40
storm = 60
"""


def test_env_var_names() -> None:
    assert env_var("scan", "window") == "STORMWATCH_SCAN_WINDOW"
    assert env_var("levels", "storm") == "STORMWATCH_LEVELS_STORM"
    assert env_var("weights", "velocity") == "STORMWATCH_WEIGHTS_VELOCITY"


def test_defaults_without_file_env_or_flags() -> None:
    assert load_settings() == Settings()
    assert load_settings(None, env={}, overrides={}) == Settings()


def test_file_sets_every_key(tmp_path: Path) -> None:
    s = load_settings(write(tmp_path, FULL_FILE), env={})
    assert s == Settings(
        window=timedelta(minutes=30),
        baseline=timedelta(days=2),
        by="brand",
        lang="de",
        weights=Weights(velocity=10.0, influence=20.5, negativity=30.0, spread=40.0),
        thresholds=Thresholds(watch=20.0, warning=40.0, storm=60.0),
    )
    assert isinstance(s.weights.velocity, float)


def test_partial_file_keeps_the_other_defaults(tmp_path: Path) -> None:
    s = load_settings(write(tmp_path, '[scan]\nwindow = "2h"\n[levels]\nstorm = 90\n'))
    assert s == Settings(window=timedelta(hours=2), thresholds=Thresholds(25.0, 50.0, 90.0))


def test_empty_file_is_all_defaults(tmp_path: Path) -> None:
    assert load_settings(write(tmp_path, "")) == Settings()


def test_env_beats_file(tmp_path: Path) -> None:
    env = {
        "STORMWATCH_SCAN_WINDOW": "15m",
        "STORMWATCH_SCAN_BY": "Query Name",
        "STORMWATCH_WEIGHTS_SPREAD": "0",
        "STORMWATCH_LEVELS_STORM": "70.5",
        "STORMWATCH_UNRELATED": "ignored",
        "PATH": "/usr/bin",
    }
    s = load_settings(write(tmp_path, FULL_FILE), env=env)
    assert s.window == timedelta(minutes=15)  # env
    assert s.baseline == timedelta(days=2)  # file
    assert (s.by, s.lang) == ("Query Name", "de")
    assert s.weights == Weights(velocity=10.0, influence=20.5, negativity=30.0, spread=0.0)
    assert s.thresholds == Thresholds(watch=20.0, warning=40.0, storm=70.5)


def test_empty_env_value_is_ignored(tmp_path: Path) -> None:
    s = load_settings(write(tmp_path, FULL_FILE), env={"STORMWATCH_SCAN_WINDOW": ""})
    assert s.window == timedelta(minutes=30)


def test_env_beats_defaults_without_file() -> None:
    s = load_settings(env={"STORMWATCH_SCAN_BASELINE": "1d", "STORMWATCH_SCAN_LANG": "de"})
    assert (s.baseline, s.lang, s.window) == (timedelta(days=1), "de", timedelta(hours=1))


def test_overrides_beat_env_and_file(tmp_path: Path) -> None:
    env = {"STORMWATCH_SCAN_WINDOW": "15m", "STORMWATCH_SCAN_LANG": "en"}
    overrides = {
        "window": timedelta(minutes=10),
        "by": "author",
        "baseline": None,  # not given on the command line: the file's 2d stays
        "thresholds": Thresholds(watch=30, warning=60, storm=90),
        "weights": Weights(velocity=1, influence=1, negativity=1, spread=1),
    }
    s = load_settings(write(tmp_path, FULL_FILE), env=env, overrides=overrides)
    assert s == Settings(
        window=timedelta(minutes=10),
        baseline=timedelta(days=2),
        by="author",
        lang="en",
        weights=Weights(1, 1, 1, 1),
        thresholds=Thresholds(30, 60, 90),
    )


def test_validation_applies_to_the_merged_result(tmp_path: Path) -> None:
    # Each layer alone is fine; together the baseline is shorter than two windows.
    path = write(tmp_path, '[scan]\nbaseline = "3h"\n')
    with pytest.raises(ConfigError) as info:
        load_settings(path, env={"STORMWATCH_SCAN_WINDOW": "2h"})
    assert str(info.value) == (
        "baseline (3h) must be at least two windows (2h each) "
        f"(set by scan.baseline from {path}, scan.window from STORMWATCH_SCAN_WINDOW)"
    )


# --- load_settings: errors --------------------------------------------------------------------


def config_error(path: Path | None, text: str | None = None, **kwargs: object) -> ConfigError:
    if path is not None and text is not None:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings(path, **kwargs)  # type: ignore[arg-type]
    return info.value


def test_unknown_section_names_file_and_section(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    err = config_error(path, '[scna]\nwindow = "1h"\n')
    assert str(err) == f"{path}: scna: unknown section"
    assert (err.path, err.key, err.hint) == (str(path), "scna", "known: scan, weights, levels")


def test_top_level_key_is_an_unknown_section(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    err = config_error(path, 'window = "1h"\n')
    assert str(err) == f"{path}: window: unknown section"


def test_unknown_key_names_file_and_key(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    err = config_error(path, '[scan]\nwindw = "1h"\n')
    assert str(err) == f"{path}: scan.windw: unknown key"
    assert (err.path, err.key) == (str(path), "scan.windw")
    assert err.hint == "known in [scan]: " + ", ".join(CONFIG_KEYS["scan"])


def test_unknown_weight_lists_the_signals(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    err = config_error(path, "[weights]\nvolume = 3\n")
    assert str(err) == f"{path}: weights.volume: unknown key"
    assert err.hint == "known in [weights]: velocity, influence, negativity, spread"


def test_bad_toml(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    err = config_error(path, "[scan\n")
    assert str(err).startswith(f"{path}: not valid TOML: ")
    assert str(err).endswith("(at line 1, column 6)")  # tomllib's wording varies, not this
    assert (err.path, err.key) == (str(path), None)


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.toml"
    err = config_error(path)
    assert str(err) == f"{path}: config file not found"


def test_directory_as_config_file(tmp_path: Path) -> None:
    err = config_error(tmp_path)
    assert str(err) == f"{tmp_path}: is a directory, not a config file"
    assert err.hint == "name the TOML file itself, e.g. --config ~/.config/stormwatch/config.toml"


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ('[scan]\nwindow = "forever"\n', 'a number and a unit: "1h", "30m" or "7d"'),
        ('[scan]\nrecord_ratio = "x"\n', "a number, e.g. 1.5"),
        ('[scan]\nestimate_sentiment = "maybe"\n', "true or false"),
        ('[scan]\nlang = "fr"\n', '"en" or "de"'),
        ("[scan]\nby = 3\n", 'text, e.g. "brand"'),
        (
            "window = = 1h\n",
            'fix that line: each setting is key = value, text in quotes (window = "1h"), '
            "each [section] once",
        ),
    ],
)
def test_every_config_error_has_a_hint(tmp_path: Path, text: str, hint: str) -> None:
    assert config_error(write(tmp_path, text)).hint == hint


def test_a_bad_variable_gets_a_hint_without_quotes() -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(None, {"STORMWATCH_SCAN_WINDOW": "forever"})
    assert info.value.hint == "a number and a unit: 1h, 30m or 7d"


def test_a_missing_config_file_gets_a_hint(tmp_path: Path) -> None:
    err = config_error(tmp_path / "nope.toml")
    assert err.hint == (
        "check the path (--config or STORMWATCH_CONFIG); without either, stormwatch reads "
        "config.toml in its app directory if there is one"
    )


@pytest.mark.parametrize(
    ("text", "key", "message"),
    [
        ("[scan]\nwindow = 30\n", "scan.window", "expected a string"),
        ("[scan]\nby = 5\n", "scan.by", "expected a string"),
        ("[scan]\nlang = ['en']\n", "scan.lang", "expected a string"),
        (
            '[weights]\nvelocity = "abc"\n',
            "weights.velocity",
            "could not convert string to float: 'abc'",
        ),
        ("[weights]\nvelocity = true\n", "weights.velocity", "expected a number"),
        ("[levels]\nstorm = [75]\n", "levels.storm", "expected a number"),
        (
            '[scan]\nwindow = "30x"\n',
            "scan.window",
            f"'30x' {NOT_A_DURATION}",
        ),
        ('[scan]\nbaseline = "0d"\n', "scan.baseline", "'0d' must be longer than zero"),
    ],
)
def test_wrong_value_types_in_file(tmp_path: Path, text: str, key: str, message: str) -> None:
    path = tmp_path / "c.toml"
    err = config_error(path, text)
    assert str(err) == f"{path}: {key}: {message}"
    assert (err.path, err.key) == (str(path), key)


def test_numeric_strings_are_numbers(tmp_path: Path) -> None:
    s = load_settings(write(tmp_path, '[weights]\nvelocity = "12"\n'))
    assert s.weights.velocity == 12.0


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("STORMWATCH_SCAN_WINDOW", "soon", f"'soon' {NOT_A_DURATION}"),
        ("STORMWATCH_WEIGHTS_VELOCITY", "lots", "could not convert string to float: 'lots'"),
        ("STORMWATCH_LEVELS_WATCH", "25%", "could not convert string to float: '25%'"),
    ],
)
def test_bad_env_value_names_the_variable_and_key(name: str, value: str, message: str) -> None:
    err = config_error(None, env={name: value})
    key = name.removeprefix("STORMWATCH_").lower().replace("_", ".", 1)
    assert str(err) == f"{name}: {key}: {message}"
    assert (err.path, err.key) == (name, key)


def test_bad_env_language_and_weights_fail_validation() -> None:
    err = config_error(None, env={"STORMWATCH_SCAN_LANG": "fr"})
    assert str(err) == "STORMWATCH_SCAN_LANG: scan.lang: unknown language 'fr'; use en or de"
    err = config_error(None, env={"STORMWATCH_WEIGHTS_SPREAD": "nan"})
    assert str(err) == (
        "signal weights must be finite numbers (set by weights.spread from "
        "STORMWATCH_WEIGHTS_SPREAD)"
    )


def test_read_config_file_returns_converted_values(tmp_path: Path) -> None:
    path = write(tmp_path, '[scan]\nwindow = "45m"\nby = "Query"\n[levels]\nwatch = 5\n')
    assert read_config_file(path) == {
        "scan": {"window": timedelta(minutes=45), "by": "Query"},
        "levels": {"watch": 5.0},
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0.5s", "'0.5s' is not a whole number of seconds"),
        ("99999999999w", "'99999999999w' is longer than 100 years"),  # not an OverflowError
    ],
)
def test_parse_duration_rejects_fractions_of_seconds_and_centuries(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        parse_duration(text)
