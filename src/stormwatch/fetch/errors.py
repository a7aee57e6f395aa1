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
    default_hint = "check STORMWATCH_HN_URL (unset: hn.algolia.com) and try again later"


class MastodonError(FetchError):
    source = "mastodon"
    default_hint = (
        "check the instance (--instance) and the hashtag; some instances need "
        "STORMWATCH_MASTODON_TOKEN"
    )


class BlueskyError(FetchError):
    source = "bluesky"
    default_hint = "check STORMWATCH_BLUESKY_URL (unset: bsky.social) and the app password"


class RedditError(FetchError):
    source = "reddit"
    default_hint = "check STORMWATCH_REDDIT_URL (unset: oauth.reddit.com) and the app credentials"


class GdeltError(FetchError):
    source = "gdelt"
    default_hint = (
        "check the query syntax and STORMWATCH_GDELT_URL; GDELT refuses over-eager clients"
    )


class RssError(FetchError):
    source = "rss"
    default_hint = "check the feed URL: it should give RSS or Atom XML"


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
