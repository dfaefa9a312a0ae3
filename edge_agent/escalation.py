"""Escalation to a person: open tickets (redacted), estimate the wait, route messages both ways."""
from __future__ import annotations

import time
from dataclasses import dataclass

from edge_agent.auth.ratelimit import RequestLimits, client_address
from edge_agent.chat.messages import handover
from edge_agent.tickets import URGENT, Ticket, TicketMessage, TicketStore
from guardrails.escalation import Escalation, EscalationPolicy, is_crisis
from guardrails.redactor import Redactor

SUMMARY_CHARS = 160
ACTIVE_S = 60.0  # a waiting customer unseen this long (the kiosk polls every 3 s) is not counted in waits
TICKET_LIMIT_MESSAGE = ("Many customers are asking for a person right now. Please ask the staff at the counter. "
                        "当前转人工请求较多，请直接咨询柜台工作人员。")


@dataclass(frozen=True)
class Handover:
    """What the chat service tells the customer when a person takes over."""

    ticket: Ticket
    message: str


class EscalationService:
    """Opens tickets from the chat path and carries agent replies back to the customer's session."""

    def __init__(self, policy: EscalationPolicy, tickets: TicketStore, redactor: Redactor, location: str,
                 minutes_per_ticket: float, limits: RequestLimits | None = None) -> None:
        self.policy = policy
        self.limits = limits  # tickets per hour per address and location (fraud and distress never refused)
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
        if (self.limits is not None and escalation.reason not in URGENT
                and self.tickets.active_for(session_id) is None):
            self.limits.check(self.limits.tickets, client_address(), TICKET_LIMIT_MESSAGE)
        ticket = self.tickets.open(session_id, escalation.reason, lang, location or self.location,
                                   f"[{escalation.reason}] {summary}")
        ahead = self.tickets.waiting_before(ticket.id, seen_since=time.time() - ACTIVE_S)
        minutes = max(2, round((ahead + 1) * self.minutes_per_ticket))
        crisis = escalation.reason == "distress" and is_crisis(summary)
        return Handover(ticket, handover(lang, escalation.reason, minutes, crisis))

    def active_ticket(self, session_id: str) -> Ticket | None:
        """The session's ticket a person is handling (or will), if any; notes that its customer is still there."""
        found = self.tickets.active_for(session_id)
        if found is not None and found.status == "open":
            self.tickets.seen(session_id)
        return found

    def customer_message(self, ticket: Ticket, redacted_text: str) -> TicketMessage:
        """A customer's (already redacted) message while a person handles the conversation."""
        return self.tickets.add_message(ticket, "customer", redacted_text)

    def agent_reply(self, ticket_id: int, agent: str, text: str) -> TicketMessage:
        """An agent's reply passes the output guard before it is stored or shown."""
        ticket = self.tickets.claim(ticket_id, agent)  # also checks the agent holds it
        return self.tickets.add_message(ticket, "agent", self.redactor.redact(text).text, agent=agent)
