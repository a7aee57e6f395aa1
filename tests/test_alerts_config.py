"""The alert TOML: every key checked, errors name the file and the key, secrets only by name."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from stormwatch.alerts.config import AlertConfig, load_alert_config
from stormwatch.errors import ConfigError
from stormwatch.settings import load_settings
from stormwatch.sources.timestamps import check_timezone

MINIMAL = """
[[watch]]
name = "brands"
inputs = ["exports/*.csv"]

[[webhook]]
url = "https://hooks.example.org/abc"
"""


def load(tmp_path: Path, text: str, env: dict[str, str] | None = None) -> AlertConfig:
    path = tmp_path / "alerts.toml"
    path.write_text(text, encoding="utf-8")
    return load_alert_config(path, env or {}, check_timezone=check_timezone)


def error(tmp_path: Path, text: str) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        load(tmp_path, text)
    return info.value


def test_defaults_and_relative_paths(tmp_path: Path) -> None:
    cfg = load(tmp_path, MINIMAL + '[state]\npath = "state/alerts.db"\n')
    (watch,) = cfg.watches
    assert watch.inputs == (str(tmp_path / "exports/*.csv"),)
    assert (watch.notify_at, watch.timezone, watch.by) == ("warning", "UTC", None)
    assert (watch.resolve_after, watch.min_gap) == (timedelta(hours=6), timedelta(minutes=30))
    assert cfg.state_path == tmp_path / "state" / "alerts.db"
    assert cfg.email is None
    assert cfg.webhooks[0].name == "webhook1"
    assert (cfg.webhooks[0].timeout, cfg.webhooks[0].retries) == (10.0, 3)
    assert (cfg.chart, cfg.mentions) == (True, 3)


def test_full_file_with_scan_sections(tmp_path: Path) -> None:
    cfg = load(
        tmp_path,
        """
[scan]
window = "30m"
lang = "de"

[levels]
storm = 80

[alert]
resolve_after = "12h"
min_gap = "1h"
chart = false
mentions = 5

[email]
host = "smtp.example.org"
security = "ssl"
username = "alerts@example.org"
password_env = "STORMWATCH_SMTP_PASSWORD"
from = "stormwatch <alerts@example.org>"
to = "pr-team@example.org"

[[watch]]
name = "brands"
inputs = ["/data/a.csv", "/data/b/*.csv"]
by = "query"
notify_at = "storm"
timezone = "Europe/Berlin"
min_gap = "2h"

[[webhook]]
name = "slack"
url_env = "SLACK_WEBHOOK_URL"
token_env = "HOOK_TOKEN"
timeout = 3
retries = 0
""",
    )
    assert cfg.settings.window == timedelta(minutes=30)
    assert (cfg.settings.lang, cfg.settings.thresholds.storm) == ("de", 80.0)
    assert cfg.email is not None
    assert (cfg.email.port, cfg.email.security, cfg.email.to) == (
        465,
        "ssl",
        ("pr-team@example.org",),
    )
    watch = cfg.watches[0]
    assert (watch.by, watch.notify_at, watch.timezone) == ("query", "storm", "Europe/Berlin")
    assert (watch.resolve_after, watch.min_gap) == (timedelta(hours=12), timedelta(hours=2))
    assert (cfg.chart, cfg.mentions) == (False, 5)
    hook = cfg.webhooks[0]
    assert (hook.url, hook.url_env, hook.token_env, hook.retries) == (
        None,
        "SLACK_WEBHOOK_URL",
        "HOOK_TOKEN",
        0,
    )


def test_scan_reads_the_same_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[scan]\nwindow = "2h"\n' + MINIMAL, encoding="utf-8")
    assert load_settings(path, env={}).window == timedelta(hours=2)


def test_unknown_key_in_a_watch_names_it(tmp_path: Path) -> None:
    err = error(tmp_path, MINIMAL.replace('name = "brands"', 'name = "brands"\nbrand_handle = "x"'))
    assert str(err) == f"{tmp_path / 'alerts.toml'}: watch[1].brand_handle: unknown key"
    assert err.key == "watch[1].brand_handle"
    assert err.hint == (
        "known in [[watch]]: name, inputs, fetch, by, notify_at, timezone, resolve_after, "
        "min_gap, brand_handles, preset, mapping, dayfirst"
    )


def test_unknown_section_lists_all_sections(tmp_path: Path) -> None:
    err = error(tmp_path, MINIMAL + "[emial]\nhost = 'x'\n")
    assert str(err).endswith("emial: unknown section")
    assert err.hint == "known: alert, email, state, watch, webhook, scan, weights, levels"


def test_unknown_key_in_email(tmp_path: Path) -> None:
    err = error(tmp_path, MINIMAL + '[email]\nhost = "h"\npassword = "hunter2"\n')
    assert err.key == "email.password"
    assert "password_env" in (err.hint or "")


@pytest.mark.parametrize(
    ("text", "key", "message"),
    [
        ('[email]\nhost = "h"\nfrom = "a@b.c"\n', "email.to", "is required"),
        ('[email]\nhost = "h"\nto = ["a@b.c"]\n', "email.from", "is required"),
        ('[email]\nhost = "h"\nfrom = "a@b.c"\nto = ["nobody"]\n', "email.to", "'nobody' is not"),
        ('[email]\nhost = "h"\nfrom = "a@b.c"\nto = ["a@b.c"]\nport = "25"\n', "email.port", ""),
        (
            '[email]\nhost = "h"\nfrom = "a@b.c"\nto = ["a@b.c"]\nport = 99999\n',
            "email.port",
            "must be at most 65535",
        ),
        (
            '[email]\nhost = "h"\nfrom = "a@b.c"\nto = ["a@b.c"]\nsecurity = "tls"\n',
            "email.security",
            "unknown value 'tls'",
        ),
        (
            '[email]\nhost = "h"\nfrom = "a@b.c"\nto = ["a@b.c"]\nusername = "u"\n'
            'password_env = "P"\nsecurity = "none"\n',
            "email.security",
            "in clear",
        ),
        (
            '[email]\nhost = "h"\nfrom = "a@b.c"\nto = ["a@b.c"]\nusername = "u"\n'
            'password_env = "hunter2!"\n',
            "email.password_env",
            "not an environment variable name",
        ),
        (
            '[email]\nhost = "h"\nfrom = "a@b.c"\nto = ["a@b.c"]\npassword_env = "P"\n',
            "email.password_env",
            "needs username",
        ),
        ('[[webhook]]\nurl = "http://hooks.example.org/x"\n', "webhook[2].url", "https://"),
        ('[[webhook]]\nurl = "https://a"\nurl_env = "B"\n', "webhook[2].url", "exactly one"),
        ('[[webhook]]\nname = "w"\n', "webhook[2].url", "exactly one"),
        ('[alert]\nmin_gap = "soon"\n', "alert.min_gap", "is not a duration"),
        ("[alert]\nchart = 1\n", "alert.chart", "expected true or false"),
    ],
)
def test_bad_values_name_the_key(tmp_path: Path, text: str, key: str, message: str) -> None:
    err = error(tmp_path, MINIMAL + text)
    assert err.key == key
    assert message in err.message


def test_watch_problems(tmp_path: Path) -> None:
    hook = '[[webhook]]\nurl = "https://hooks.example.org/abc"\n'
    assert "no [[watch]]" in error(tmp_path, hook).message
    assert "[[watch]] (an array" in error(tmp_path, '[watch]\nname = "a"\n' + hook).message
    twice = MINIMAL + '[[watch]]\nname = "brands"\ninputs = ["b.csv"]\n'
    assert error(tmp_path, twice).key == "watch.name"
    bad_level = MINIMAL.replace('name = "brands"', 'name = "brands"\nnotify_at = "calm"')
    assert error(tmp_path, bad_level).hint == "use watch, warning, storm"
    bad_zone = MINIMAL.replace('name = "brands"', 'name = "brands"\ntimezone = "Mars/Base"')
    err = error(tmp_path, bad_zone)
    assert (err.key, err.message.endswith("unknown timezone 'Mars/Base'")) == (
        "watch[1].timezone",
        True,
    )
    no_inputs = MINIMAL.replace('inputs = ["exports/*.csv"]', "inputs = []")
    assert error(tmp_path, no_inputs).key == "watch[1].inputs"


def test_nowhere_to_send(tmp_path: Path) -> None:
    err = error(tmp_path, '[[watch]]\nname = "a"\ninputs = ["x.csv"]\n')
    assert err.message.endswith("no [email] and no [[webhook]]: nowhere to send alerts")


def test_control_characters_are_refused(tmp_path: Path) -> None:
    err = error(tmp_path, MINIMAL.replace('name = "brands"', 'name = "bra\\r\\nnds"'))
    assert err.key == "watch[1].name"


def test_plain_http_only_to_loopback(tmp_path: Path) -> None:
    for url in ("http://127.0.0.1:8080/x", "http://localhost/x", "http://[::1]:9/x"):
        cfg = load(tmp_path, MINIMAL.replace("https://hooks.example.org/abc", url))
        assert cfg.webhooks[0].url == url


def test_the_readme_example_is_complete_and_valid(tmp_path: Path) -> None:
    from conftest import ROOT
    from stormwatch.alerts.config import SECTIONS

    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## Alerts from cron", 1)[1]
    section = section.split("\n## ", 1)[0]
    example = next(b for b in section.split("```toml\n")[1:] if "[[watch]]" in b).split("```")[0]
    cfg = load(tmp_path, example)
    assert cfg.email is not None
    assert cfg.email.password_env == "STORMWATCH_SMTP_PASSWORD"
    assert cfg.webhooks[0].url_env == "STORMWATCH_SLACK_URL"
    for name in ("alert", "email", "state", "watch", "webhook"):
        for key in SECTIONS[name]:
            assert f"| `{key}` |" in section or f"`{key}`," in section, f"{name}.{key}"
