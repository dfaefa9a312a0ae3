"""The vocabulary of a turn: what the path planned for a message, and what kind of answer the customer got."""
from __future__ import annotations

from dataclasses import dataclass

from guardrails.redactor import EntityCount


class Plan:
    """What begin() decided a message needs."""

    GENERATE = "generate"  # an instruct model writes the answer from the sources (grounding-checked)
    QUOTE = "quote"  # the sentences of the best entry that answer, verbatim
    CLARIFY = "clarify"  # ask which of two or three entries was meant
    SMALLTALK = "smalltalk"  # hello / thanks / ok
    DECLINED = "declined"  # no good source
    HANDOVER = "handover"  # a person takes (or has) the conversation


class AnswerKind:
    """``answer_kind`` in the API and the conversation store."""

    GENERATED = "generated"
    QUOTED = "quoted"
    CLARIFY = "clarify"
    SMALLTALK = "smalltalk"
    DECLINED = "declined"
    ESCALATED = "escalated"
    AGENT = "agent"  # a human agent's reply after a handover

    ALL = (GENERATED, QUOTED, CLARIFY, SMALLTALK, DECLINED, ESCALATED, AGENT)


@dataclass(frozen=True)
class Outcome:
    """The answer a turn ends with: its text, kind, grounding verdict and what the output guard masked."""

    answer: str
    kind: str  # an AnswerKind
    verdict: str
    output: tuple[EntityCount, ...] = ()
