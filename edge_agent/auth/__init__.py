"""Staff roles and sign-in: users store, argon2id passwords, server-side sessions, CSRF, rate limit.

Roles: ``kiosk`` (anonymous: the chat page and API stay open), ``agent`` (escalation queue), ``auditor``
(read-only audit trail), ``admin`` (knowledge base and users). Other blueprints use:

- ``require_role(*roles)`` on every non-public view (signed out: redirect to /login for pages, 401 JSON for
  /api/...; wrong role: 403 in the standard error shape). A view without it is refused (default deny);
  deliberately public endpoints are listed in ``edge_agent.auth.policy.PUBLIC_ENDPOINTS``.
- ``current_user()``: the signed-in ``User(name, role)`` or None.
- ``csrf_token()`` (also a Jinja global): put it in every form as ``csrf_token`` or send it in the
  ``X-CSRF-Token`` header from scripts. Every POST/PUT/PATCH/DELETE is checked (``csrf_protect``).

Modules: ``roles`` (roles, User, names), ``errors``, ``secret`` (the cookie-signing key file),
``passwords`` (argon2id, strength rules), ``store`` (users and sessions in SQLite), ``ratelimit``
(sign-in lock-outs), ``sessions`` (cookie ↔ user, CSRF), ``policy`` (require_role, default deny),
``views`` (/login, /logout, /admin/users), ``setup`` (init_app), ``commands`` (`edge-agent users`).
"""
from edge_agent.auth.policy import require_role
from edge_agent.auth.roles import ROLES, STAFF_ROLES, User
from edge_agent.auth.sessions import csrf_protect, csrf_token, current_user
from edge_agent.auth.setup import init_app

__all__ = ["ROLES", "STAFF_ROLES", "User", "csrf_protect", "csrf_token", "current_user", "init_app",
           "require_role"]
