"""Unattended alerts (``stormwatch alert``): episodes per watch and topic, an outbox in SQLite,
email and webhooks.

The pieces, each usable on its own:

* :mod:`~stormwatch.alerts.config` reads and validates the alert TOML (with
  :mod:`~stormwatch.alerts.tables`);
* :mod:`~stormwatch.alerts.episodes` decides what to say (pure);
* :mod:`~stormwatch.alerts.state` keeps episodes, the outbox and the run lock in SQLite;
* :mod:`~stormwatch.alerts.compose`, :mod:`~stormwatch.alerts.mail`,
  :mod:`~stormwatch.alerts.webhook` and :mod:`~stormwatch.alerts.chart` build and deliver;
* :mod:`~stormwatch.alerts.run` orchestrates one cron run. It takes the moment, the
  environment, the SMTP factory and the HTTP client as arguments and never reads them itself.
"""

from __future__ import annotations
