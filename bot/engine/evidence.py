"""The evidence the decision reads about the best-ranked entry: the same few numbers for a question
at run time and for a calibration sample, so the fitted rule sees the two alike."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from bot.engine.bm25 import LeaveOut
from bot.engine.retrieval import Candidate, QueryTerm
from bot.engine.scope import Scope

FEATURES = ("confidence", "score_margin", "f1", "confidence_margin", "unknown", "topical")
RUNNERS_UP = 2         # margins are over the best of the next two entries


@dataclass(frozen=True)
class Evidence:
    """All in 0..1, except the margins (-1..1)."""
    confidence: float           # the best entry's confidence (`Candidate.confidence`)
    score_margin: float         # its ranking score minus the best runner-up's
    f1: float                   # word F1 of its closest phrasing
    confidence_margin: float    # its confidence minus the best runner-up's
    unknown: float              # share of the question's word weight the base does not know
    topical: float              # share of the question's topical word weight the entry holds

    @property
    def values(self) -> tuple[float, ...]:
        """In the order of FEATURES."""
        return (self.confidence, self.score_margin, self.f1, self.confidence_margin, self.unknown, self.topical)


def evidence(scope: Scope, ranked: Sequence[Candidate], terms: Sequence[QueryTerm],
             leave_out: LeaveOut | None = None) -> Evidence:
    """The evidence for `ranked[0]` (`ranked` best first, not empty). A runner-up that is never
    asked the question's kind ('when', 'who', ...) is no rival: 'when was the MoU signed' is not
    in doubt between the entry on the signing date and the one on what was signed."""
    asked = scope.question_kinds(terms)
    best = ranked[0]
    others = [c for c in ranked[1:1 + RUNNERS_UP] if asked <= scope.held_kinds(c.entry_index, leave_out)]
    return Evidence(best.confidence, best.score - max((c.score for c in others), default=0.0), best.f1,
                    best.confidence - max((c.confidence for c in others), default=0.0),
                    scope.unknown_share(terms, leave_out), scope.topical_share(best.entry_index, terms, leave_out))
