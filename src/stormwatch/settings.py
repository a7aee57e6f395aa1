"""Settings: one frozen dataclass, resolved as flag > STORMWATCH_* env > TOML file > default.

``load_settings`` is pure: the caller passes the environment mapping in, so notebooks and tests
decide what it sees.
"""

from __future__ import annotations

import math
import re
import tomllib
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal

from stormwatch.errors import ConfigError

Level = Literal["calm", "watch", "warning", "storm"]
LEVELS: tuple[Level, ...] = ("calm", "watch", "warning", "storm")
Lang = Literal["en", "de"]
LANGS: tuple[Lang, ...] = ("en", "de")
SIGNALS: tuple[str, ...] = ("velocity", "influence", "negativity", "spread")

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d|w)\s*$", re.IGNORECASE)
_MAX_SECONDS = 100 * 366 * 86400  # beyond any export; timedelta itself overflows later
_UNIT_SECONDS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str) -> timedelta:
    """Parse ``30m``, ``1h``, ``7d``, ``2w`` (units s, m/min, h, d, w) into a timedelta."""
    match = _DURATION.match(text)
    if not match:
        raise ValueError(
            f"{text!r} is not a duration; expected a number and a unit, e.g. 1h, 30m, 7d"
        )
    # Exact arithmetic on the decimal digits: 1.1h is 3960 s (floats make 3960.0000000000005).
    whole, _, decimals = match.group(1).partition(".")
    scaled = int(whole + decimals) * _UNIT_SECONDS[match.group(2).lower()]
    seconds, rest = divmod(scaled, 10 ** len(decimals))
    if rest:
        raise ValueError(f"{text!r} is not a whole number of seconds")
    if seconds <= 0:
        raise ValueError(f"{text!r} must be longer than zero")
    if seconds > _MAX_SECONDS:
        raise ValueError(f"{text!r} is longer than 100 years")
    return timedelta(seconds=seconds)


def format_duration(delta: timedelta) -> str:
    """The shortest exact spelling of a duration: 3600 s -> ``1h``, 7 days -> ``7d``."""
    seconds = int(delta.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


@dataclass(frozen=True)
class Weights:
    """Points each signal contributes at full strength. They need not sum to 100: the score is
    normalised by the sum of the weights of the signals the data supports."""

    velocity: float = 40.0
    influence: float = 25.0
    negativity: float = 20.0
    spread: float = 15.0

    def as_dict(self) -> dict[str, float]:
        return {f.name: float(getattr(self, f.name)) for f in fields(self)}


@dataclass(frozen=True)
class Thresholds:
    """Lower score bounds of the levels: calm < watch <= … < warning <= … < storm <= 100."""

    watch: float = 25.0
    warning: float = 50.0
    storm: float = 75.0
    #: Points a score must fall below a level's bound before an open episode counts as
    #: having left it (alerts and backtest): no flapping between levels around a bound.
    hysteresis: float = 5.0

    @property
    def bounds(self) -> tuple[float, float, float]:
        """The lower bounds of watch, warning and storm, ascending."""
        return (self.watch, self.warning, self.storm)

    def level(self, score: float) -> Level:
        """The level a score falls in: the number of bounds at or below it (the rule that
        ``pipeline.score.level_index`` applies to arrays)."""
        return LEVELS[bisect_right(self.bounds, score)]

    def held_level(self, previous: Level, score: float) -> Level:
        """The level of a topic that was at ``previous``: it rises as soon as the score reaches
        a bound, and falls below a bound only once the score is ``hysteresis`` points under
        it (score 48 after warning stays warning with hysteresis 5; 44 is watch)."""
        now = LEVELS.index(self.level(score))
        if now >= LEVELS.index(previous):
            return LEVELS[now]
        held = LEVELS.index(self.level(score + self.hysteresis))
        return LEVELS[min(LEVELS.index(previous), held)]


@dataclass(frozen=True)
class Settings:
    """Everything the analysis needs besides the data and the evaluation moment. Durations
    are timedeltas; a text such as ``"2h"`` is read as ``--window`` reads it."""

    window: timedelta = timedelta(hours=1)
    baseline: timedelta = timedelta(days=7)
    by: str | None = None
    lang: Lang = "en"
    top_authors: int = 5
    sparkline: int = 24
    weights: Weights = field(default_factory=Weights)
    thresholds: Thresholds = field(default_factory=Thresholds)
    #: Velocity's record gate: the current window must outgrow the busiest window of this
    #: recent period by ``record_ratio`` before volume alone can raise a warning.
    record: timedelta = timedelta(days=3)
    record_ratio: float = 1.5
    #: Fill in the sentiment of files without one from their texts (``--no-estimate-sentiment``).
    estimate_sentiment: bool = True
    #: A model saved by ``train-sentiment`` for that; None: the built-in lexicon.
    sentiment_model: Path | None = None

    def __post_init__(self) -> None:
        for name in ("window", "baseline", "record"):  # "2h" as well as timedelta(hours=2)
            value = getattr(self, name)
            if isinstance(value, str):
                try:
                    object.__setattr__(self, name, parse_duration(value))
                except ValueError as exc:
                    raise ConfigError(str(exc), key=name, hint='e.g. "1h", "30m" or "7d"') from None
            elif not isinstance(value, timedelta):
                raise ConfigError(
                    f"expected a duration, not {value!r}", key=name, hint='e.g. "1h" or "7d"'
                )
        if self.baseline < 2 * self.window:
            raise ConfigError(
                f"baseline ({format_duration(self.baseline)}) must be at least two windows "
                f"({format_duration(self.window)} each)",
                hint="use a longer --baseline or a shorter --window",
            )
        t = self.thresholds
        if not 0 < t.watch < t.warning < t.storm <= 100:
            raise ConfigError(
                f"levels must rise within 0..100 (watch {t.watch:g}, warning {t.warning:g}, "
                f"storm {t.storm:g})",
                hint="e.g. watch = 25, warning = 50, storm = 75",
            )
        if any(w < 0 for w in self.weights.as_dict().values()) or not any(
            self.weights.as_dict().values()
        ):
            raise ConfigError(
                "signal weights must be >= 0 and not all zero",
                hint="give each weight in [weights] 0 or more, at least one above 0 "
                "(velocity = 40 is the default)",
            )
        if not all(math.isfinite(w) for w in self.weights.as_dict().values()):
            raise ConfigError(
                "signal weights must be finite numbers", hint="e.g. velocity = 40 in [weights]"
            )
        if self.lang not in LANGS:
            raise ConfigError(f"unknown language {self.lang!r}", hint="use en or de")
        if not (math.isfinite(self.record_ratio) and self.record_ratio >= 1.0):
            raise ConfigError(
                f"record_ratio must be a number >= 1 (got {self.record_ratio:g})",
                hint="1.5: the current window must be 1.5x the busiest recent one",
            )
        if not (math.isfinite(t.hysteresis) and t.hysteresis >= 0):
            raise ConfigError(
                f"hysteresis must be a number >= 0 (got {t.hysteresis:g})",
                hint="e.g. hysteresis = 5",
            )

    @property
    def baseline_windows(self) -> int:
        """How many whole windows the trailing baseline holds (7d / 1h = 168)."""
        return int(self.baseline / self.window)


def _lang(value: str) -> str:
    if value not in LANGS:
        raise ValueError(f"unknown language {value!r}; use en or de")
    return value


def _flag(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "1", "yes", "on"):
        return True
    if isinstance(value, str) and value.strip().lower() in ("false", "0", "no", "off"):
        return False
    raise ValueError("expected true or false")


def _path(value: str) -> Path:
    if not value.strip():
        raise ValueError("expected a file path")
    return Path(value).expanduser()


# section -> key -> converter. Config files and STORMWATCH_<SECTION>_<KEY> share these names.
CONFIG_KEYS: dict[str, dict[str, Any]] = {
    "scan": {
        "window": parse_duration,
        "baseline": parse_duration,
        "by": str,
        "lang": _lang,
        "estimate_sentiment": _flag,
        "sentiment_model": _path,
        "record": parse_duration,
        "record_ratio": float,
    },
    "weights": dict.fromkeys(SIGNALS, float),
    "levels": {"watch": float, "warning": float, "storm": float, "hysteresis": float},
}


#: Top-level sections that belong to ``stormwatch alert`` and are validated by
#: ``stormwatch.alerts.config``; passed over here so ``scan`` and ``alert`` share one file.
ALERT_SECTIONS: tuple[str, ...] = ("alert", "email", "state", "watch", "webhook")


def app_dir(env: Mapping[str, str]) -> Path:
    """Where config, alert state and a trained model live: ``STORMWATCH_CONFIG_DIR``, else the
    platform's user config directory (``~/.config/stormwatch`` on Linux)."""
    if env.get("STORMWATCH_CONFIG_DIR"):
        return Path(env["STORMWATCH_CONFIG_DIR"])
    import typer  # only here: the core does not otherwise need the CLI toolkit

    return Path(typer.get_app_dir("stormwatch"))


def env_var(section: str, key: str) -> str:
    """The environment variable that overrides a config key: ``STORMWATCH_SCAN_WINDOW``."""
    return f"STORMWATCH_{section}_{key}".upper()


def _value_hint(convert: Any, source: str) -> str:
    """How to write a value right, in the place it came from (a file or a variable)."""
    in_file = source.endswith(".toml") or "/" in source
    quoted = (lambda v: f'"{v}"') if in_file else (lambda v: v)
    if convert is parse_duration:
        return f"a number and a unit: {quoted('1h')}, {quoted('30m')} or {quoted('7d')}"
    if convert is float:
        return "a number, e.g. 1.5"
    if convert is _flag:
        return "true or false"
    if convert is _lang:
        return f"{quoted('en')} or {quoted('de')}"
    if convert is _path:
        return f"a file path, e.g. {quoted('~/models/acme.json')}"
    return f"text, e.g. {quoted('brand')}"


def _convert(section: str, key: str, value: object, source: str) -> object:
    convert = CONFIG_KEYS[section][key]
    expected = (int, float, str) if convert is float else (str,)
    try:
        if convert is _flag:  # TOML true/false, or "false" in an environment variable
            return _flag(value)
        if isinstance(value, bool) or not isinstance(value, expected):
            raise ValueError("expected a number" if convert is float else "expected a string")
        return convert(value)
    except ValueError as exc:
        raise ConfigError(
            str(exc), path=source, key=f"{section}.{key}", hint=_value_hint(convert, source)
        ) from None


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML file's contents; ConfigError naming the file when it is missing, unreadable or
    not TOML."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(
            "config file not found",
            path=path,
            hint="check the path (--config or STORMWATCH_CONFIG); without either, stormwatch "
            "reads config.toml in its app directory if there is one",
        ) from None
    except IsADirectoryError:
        raise ConfigError(
            "is a directory, not a config file",
            path=path,
            hint="name the TOML file itself, e.g. --config ~/.config/stormwatch/config.toml",
        ) from None
    except OSError as exc:
        raise ConfigError(
            f"cannot read config file: {exc.strerror}",
            path=path,
            hint="check that the file exists and that this user may read it",
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"not valid TOML: {exc}",
            path=path,
            hint='fix that line: each setting is key = value, text in quotes (window = "1h"), '
            "each [section] once",
        ) from None


def read_config_file(path: str | Path) -> dict[str, dict[str, object]]:
    """Read and validate a TOML config file: unknown sections or keys are an error."""
    p = Path(path)
    data = read_toml(p)
    result: dict[str, dict[str, object]] = {}
    for section, table in data.items():
        if section in ALERT_SECTIONS:
            continue
        if section not in CONFIG_KEYS or not isinstance(table, dict):
            raise ConfigError(
                "unknown section", path=p, key=section, hint=f"known: {', '.join(CONFIG_KEYS)}"
            )
        for key, value in table.items():
            if key not in CONFIG_KEYS[section]:
                raise ConfigError(
                    "unknown key",
                    path=p,
                    key=f"{section}.{key}",
                    hint=f"known in [{section}]: {', '.join(CONFIG_KEYS[section])}",
                )
            result.setdefault(section, {})[key] = _convert(section, key, value, str(p))
    return result


def load_settings(
    path: str | Path | None = None,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, object] | None = None,
    defaults: Settings | None = None,
) -> Settings:
    """Resolve settings: ``overrides`` (flags) > ``STORMWATCH_*`` in ``env`` > TOML file >
    ``defaults`` (``Settings()`` unless given, e.g. with the language of the user's locale).

    ``overrides`` uses flat names: window, baseline, by, lang, estimate_sentiment,
    sentiment_model, and ``weights``/``thresholds`` objects. Raises ConfigError naming the
    file or variable and the key.
    """
    base = defaults or Settings()
    merged: dict[str, dict[str, object]] = {s: {} for s in CONFIG_KEYS}
    origin: dict[str, str] = {}  # "section.key" -> where the value came from, for errors
    if path is not None:
        for section, values in read_config_file(path).items():
            merged[section].update(values)
            origin.update({f"{section}.{key}": str(path) for key in values})
    for section, keys in CONFIG_KEYS.items():
        for key in keys:
            name = env_var(section, key)
            if env and env.get(name):
                merged[section][key] = _convert(section, key, env[name], name)
                origin[f"{section}.{key}"] = name
    scan: dict[str, Any] = dict(merged["scan"])
    weights = replace(base.weights, **merged["weights"])  # type: ignore[arg-type]
    thresholds = replace(base.thresholds, **merged["levels"])  # type: ignore[arg-type]
    for key, value in (overrides or {}).items():
        if value is None:
            continue
        if key == "weights":
            weights = value  # type: ignore[assignment]
        elif key == "thresholds":
            thresholds = value  # type: ignore[assignment]
        else:
            scan[key] = value
        origin[key] = "the command line"
    try:
        return replace(base, weights=weights, thresholds=thresholds, **scan)
    except ConfigError as exc:
        if origin:
            exc.message += " (set by " + ", ".join(f"{k} from {v}" for k, v in origin.items()) + ")"
        raise
