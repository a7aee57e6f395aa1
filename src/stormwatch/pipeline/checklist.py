"""The response checklist (ten points plus one), shipped as TOML per language."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from stormwatch.settings import Lang


@dataclass(frozen=True)
class Step:
    number: int
    title: str
    action: str


@dataclass(frozen=True)
class Checklist:
    lang: str
    steps: dict[int, Step]
    reasons: dict[str, str]
    levels: dict[str, str]


@cache
def load_checklist(lang: Lang = "en") -> Checklist:
    """Read ``stormwatch/data/checklist.<lang>.toml`` from the installed package."""
    text = resources.files("stormwatch").joinpath(f"data/checklist.{lang}.toml").read_text("utf-8")
    data = tomllib.loads(text)
    steps = {
        int(s["number"]): Step(int(s["number"]), str(s["title"]), str(s["action"]))
        for s in data["step"]
    }
    return Checklist(lang, steps, dict(data["reasons"]), dict(data["levels"]))
