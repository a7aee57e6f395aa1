"""The fetch error family: one subclass per source, plus the two every source can raise."""

from __future__ import annotations

from stormwatch.errors import FetchError


class MissingCredentialError(FetchError):
    """A source needs a credential from an environment variable that is not set."""

    def __init__(self, source: str, names: tuple[str, ...], what: str) -> None:
        self.source = source
        self.names = names
        listed = " and ".join(names)
        super().__init__(
            f"{source} needs {what}: set {listed}",
            hint=f"export {listed} in the environment (never on the command line); "
            "`stormwatch sources` says what each source needs",
        )


class RateLimitedError(FetchError):
    """The API kept refusing with 429 (or 5xx) past the wait budget."""


class HnError(FetchError):
    source = "hn"


class MastodonError(FetchError):
    source = "mastodon"


class BlueskyError(FetchError):
    source = "bluesky"


class RedditError(FetchError):
    source = "reddit"


class GdeltError(FetchError):
    source = "gdelt"


class RssError(FetchError):
    source = "rss"


__all__ = [
    "BlueskyError",
    "FetchError",
    "GdeltError",
    "HnError",
    "MastodonError",
    "MissingCredentialError",
    "RateLimitedError",
    "RedditError",
    "RssError",
]
