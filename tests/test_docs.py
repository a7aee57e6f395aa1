"""The README stays true: every option documented, quick start runnable, exit codes listed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer.main

from conftest import ROOT
from stormwatch.cli.app import ExitCode, app

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


def _same_where_given(documented: object, actual: object, path: str = "") -> None:
    """Every number and text of the README example equals the real output; "…" (a key or a
    value) and lists (abbreviated) are left out."""
    if isinstance(documented, dict):
        assert isinstance(actual, dict), path
        for key, value in documented.items():
            if key != "…":
                assert key in actual, f"{path}.{key}"
                _same_where_given(value, actual[key], f"{path}.{key}")
    elif not isinstance(documented, list) and documented != "…":
        assert documented == actual, path


def test_the_json_example_is_the_sample_s_real_output(monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    import stormwatch as sw
    from stormwatch.render.formats import report_dict

    block = README.split("### JSON", 1)[1].split("```json", 1)[1].split("```", 1)[0]
    documented = json.loads(block)
    monkeypatch.chdir(ROOT)  # the example names the sample by its path in the repository
    actual = report_dict(sw.analyse(documented["input"]["files"]))
    _same_where_given({**documented, "topics": documented["topics"][0]}, {
        **actual, "topics": actual["topics"][0]})  # fmt: skip


def test_the_simulated_storms_example_says_what_scan_shows(tmp_path: Path) -> None:
    import stormwatch as sw
    from stormwatch.simulate.spec import CSV_DATETIME, default_spec, simulate

    line = next(x for x in README.splitlines() if x.startswith("stormwatch scan sim.csv --at"))
    at, topic, level = re.findall(r"--at (\S+)\s+# (\w+) at (\w+)", line)[0]
    path = tmp_path / "sim.csv"
    frame, _ = simulate(default_spec(seed=0), seed=0)  # the command's defaults
    frame.write_csv(path, datetime_format=CSV_DATETIME)
    report = sw.analyse(path, now=at)
    assert (report.topics[0].topic, report.topics[0].level) == (topic, level)


def test_ssl_cert_file_is_documented_next_to_ca_file() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| | `ca_file`"))
    assert "SSL_CERT_FILE" in row
    assert (
        "**`SSL_CERT_FILE`\n  (and `SSL_CERT_DIR`) in the environment replace that trust store**"
        in readme
    )
