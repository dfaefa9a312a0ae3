"""Escalation to a person: open tickets (redacted), estimate the wait, route messages both ways."""
from __future__ import annotations

from dataclasses import dataclass

from edge_agent.chat.messages import handover
from edge_agent.tickets import Ticket, TicketMessage, TicketStore
from guardrails.escalation import Escalation, EscalationPolicy, is_crisis
from guardrails.redactor import Redactor

SUMMARY_CHARS = 160


@dataclass(frozen=True)
class Handover:
    """What the chat service tells the customer when a person takes over."""

    ticket: Ticket
    message: str


class EscalationService:
    """Opens tickets from the chat path and carries agent replies back to the customer's session."""

    def __init__(self, policy: EscalationPolicy, tickets: TicketStore, redactor: Redactor, location: str,
                 minutes_per_ticket: float) -> None:
        self.policy = policy
        self.tickets = tickets
        self.redactor = redactor
        self.location = location
        self.minutes_per_ticket = minutes_per_ticket

    def check(self, redacted_message: str, declined_in_a_row: int) -> Escalation | None:
        """Whether this message (or a run of 'no answer' replies) calls for a person."""
        return self.policy.check_message(redacted_message) or self.policy.check_no_answer(declined_in_a_row)

    def open(self, session_id: str, escalation: Escalation, lang: str, recent: list[str],
             location: str | None = None) -> Handover:
        """Open (or join) the session's ticket and word the customer's handover message."""
        summary = " / ".join(recent[-2:])[-SUMMARY_CHARS:]
        ticket = self.tickets.open(session_id, escalation.reason, lang, location or self.location,
                                   f"[{escalation.reason}] {summary}")
        minutes = max(2, round((self.tickets.waiting_before(ticket.id) + 1) * self.minutes_per_ticket))
        crisis = escalation.reason == "distress" and is_crisis(summary)
        return Handover(ticket, handover(lang, escalation.reason, minutes, crisis))

    def active_ticket(self, session_id: str) -> Ticket | None:
        """The session's ticket a person is handling (or will), if any."""
        return self.tickets.active_for(session_id)

    def customer_message(self, ticket: Ticket, redacted_text: str) -> TicketMessage:
        """A customer's (already redacted) message while a person handles the conversation."""
        return self.tickets.add_message(ticket, "customer", redacted_text)

    def agent_reply(self, ticket_id: int, agent: str, text: str) -> TicketMessage:
        """An agent's reply passes the output guard before it is stored or shown."""
        ticket = self.tickets.claim(ticket_id, agent)  # also checks the agent holds it
        return self.tickets.add_message(ticket, "agent", self.redactor.redact(text).text, agent=agent)
