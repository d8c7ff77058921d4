"""Close-match suggestions for every "unknown name" message the plugin prints."""

from __future__ import annotations

from collections.abc import Sequence


def close_matches(word: str, choices: Sequence[str], n: int = 3) -> list[str]:
    """Up to ``n`` choices closest to ``word``, best first (case-insensitive)."""
    import difflib  # only when a message needs it: not at plugin start-up

    upper = {c.upper(): c for c in choices}
    target = word.upper()
    found = difflib.get_close_matches(target, list(upper), n=n, cutoff=0.6)
    if not found:
        # A bare code ("ASLEEP") should still find its key ("VEHICLE_STATE:ASLEEP").
        found = [k for k in upper if k.endswith(":" + target) or k.startswith(target + ":")][:n]
    return [upper[f] for f in found]


def did_you_mean(word: str, choices: Sequence[str]) -> str:
    """`` (did you mean X?)`` or an empty string."""
    found = close_matches(word, choices)
    return f" (did you mean {' or '.join(found)}?)" if found else ""
