"""The README stays true: every option documented, quick start runnable, exit codes listed."""

from __future__ import annotations

import re

import typer.main

from conftest import ROOT
from stormwatch.cli import ExitCode, app

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands() -> dict[str, object]:
    group = typer.main.get_command(app)
    return dict(group.commands)  # type: ignore[attr-defined]


def test_every_command_has_help_and_a_readme_section() -> None:
    for name, command in _commands().items():
        assert command.help, name  # type: ignore[attr-defined]
        assert f"stormwatch {name}" in README, name


def test_every_option_is_documented() -> None:
    for name, command in _commands().items():
        for param in command.params:  # type: ignore[attr-defined]
            for opt in param.opts:
                if opt.startswith("--"):
                    assert f"`{opt}" in README, f"{name} {opt}"


def test_exit_codes_are_documented() -> None:
    table = README.split("## Exit codes", 1)[1].split("##", 1)[0]
    documented = {int(n) for n in re.findall(r"^\| (\d+) \|", table, flags=re.M)}
    assert documented == {int(code) for code in ExitCode}


def test_quick_start_is_two_make_targets_that_exist() -> None:
    quick = README.split("## Quick start", 1)[1].split("##", 1)[0]
    commands = re.findall(r"^(make \w+)", quick, flags=re.M)
    assert commands == ["make demo", "make test"]
    makefile = (ROOT / "Makefile").read_text()
    for command in commands:
        assert re.search(rf"^{command.split()[1]}:", makefile, flags=re.M)


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test$", ci, flags=re.M)


def test_config_keys_are_documented() -> None:
    from stormwatch.settings import CONFIG_KEYS, env_var

    for section, keys in CONFIG_KEYS.items():
        assert f"[{section}]" in README
        for key in keys:
            assert env_var(section, key) in README or section != "scan", key
            assert re.search(rf"^{key} = ", README, flags=re.M), key
