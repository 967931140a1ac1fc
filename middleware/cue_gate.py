"""Per-session limits on cues: text length, start time, and a token-bucket rate."""
from __future__ import annotations

import math
import time

from ..models.plan import Cue


class CueGate:
    """Answers why a cue is refused (a message for the client), or None when it may be planned."""

    def __init__(self, max_chars: int, per_second: float, max_ahead_s: float = 3600.0):
        self.max_chars = max_chars
        self.rate = per_second
        self.max_ahead_s = max_ahead_s
        self.tokens = max(1.0, per_second)
        self.stamp = time.monotonic()

    def __call__(self, cue: Cue, now_s: float) -> str | None:
        if not cue.text.strip() and not cue.script:
            return "cue has neither text nor a script name"
        if len(cue.text) > self.max_chars:
            return f"cue text is {len(cue.text)} characters; the limit is {self.max_chars}"
        if cue.at_s is not None:
            if not math.isfinite(cue.at_s):
                return f"at_s {cue.at_s} is not a finite number"
            if cue.at_s < 0:
                return f"at_s {cue.at_s} is negative"
            if cue.at_s > now_s + self.max_ahead_s:
                return (f"at_s {cue.at_s:g} is more than {self.max_ahead_s:g} s past the stream position "
                        f"({now_s:.3f} s)")
        now = time.monotonic()
        self.tokens = min(max(1.0, self.rate), self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens < 1.0:
            return f"more than {self.rate:g} cues per second"
        self.tokens -= 1.0
        return None
