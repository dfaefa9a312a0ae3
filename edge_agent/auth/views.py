"""GET/POST /login, POST /logout, and the admin's /admin/users page (list, add, remove, change role)."""
from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from edge_agent.audit.staff_events import record_in_request
from edge_agent.auth.errors import TooManyAttempts, UserError
from edge_agent.auth.passwords import check_strength, hash_password, verify_password
from edge_agent.auth.policy import require_role, safe_next
from edge_agent.auth.roles import (
    ADMIN,
    AUDITOR,
    ROLE_HOME,
    STAFF_ROLES,
    User,
    check_name,
    check_role,
    normalize_name,
)
from edge_agent.auth.services import DUMMY_HASH, auth_services
from edge_agent.auth.sessions import current_user, sign_in, sign_out
from edge_agent.errors import Busy, EdgeError

bp = Blueprint("auth", __name__)
log = logging.getLogger("edge_agent.auth")

BAD_CREDENTIALS = "用户名或密码不正确。 Wrong user name or password."
VERIFY_WAIT_S = 10.0


def _route_exists(path: str) -> bool:
    try:
        current_app.url_map.bind("localhost").match(path, method="GET")
    except (NotFound, MethodNotAllowed, RequestRedirect):
        return False
    return True


def _home(user: User) -> str:
    """Where a role starts: its page if this build has it, else the signed-in panel of /login."""
    path = ROLE_HOME.get(user.role, "")
    return path if path and _route_exists(path) else url_for("auth.login")


def _login_page(status: int = 200, *, error: str = "", name: str = "", headers: dict[str, str] | None = None) -> Any:
    user = current_user()
    links = [(path, role) for role, path in ROLE_HOME.items() if user and user.role == role and _route_exists(path)]
    body = render_template("auth_login.html", error=error, name=name, user=user, links=links,
                           next=safe_next(request.values.get("next")) or "")
    return body, status, headers or {}


def _client_address() -> str:
    # The TCP peer. Behind a reverse proxy this is the proxy: rate limits then apply to all its clients.
    return request.remote_addr or "unknown"


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """The sign-in form; POST checks the password (rate-limited, constant-time) and starts a session."""
    if request.method == "GET":
        return _login_page()
    services = auth_services()
    name = normalize_name(request.form.get("username"))[:64]
    password = request.form.get("password", "")
    address = _client_address()
    wait = services.limiter.retry_after(name, address)
    if wait > 0:
        err = TooManyAttempts(wait)
        log.warning("sign-in refused while locked out (%d s left)", err.retry_after_s)
        return _login_page(err.status, error=err.message, name=name, headers=err.headers)
    stored = services.store.password_hash(name) if name else None
    if not services.verify_slots.acquire(timeout=VERIFY_WAIT_S):
        raise Busy(5)
    try:
        result = verify_password(services.hasher, stored[1] if stored else DUMMY_HASH, password)
    finally:
        services.verify_slots.release()
    if stored is None or not result.ok:
        services.limiter.failure(name, address)
        log.info("sign-in failed")  # neither the name nor the password: both may be mistyped secrets
        return _login_page(401, error=BAD_CREDENTIALS, name=name)
    services.limiter.success(name)
    if result.needs_rehash:
        services.store.set_password_hash(name, hash_password(services.hasher, password), end_sessions=False)
    user = User(name, stored[0])
    record_in_request(user.name, "sign_in", user.name, user.role)  # chained before the session starts
    sign_in(user)
    log.info("signed in: %s (%s)", user.name, user.role)
    return redirect(safe_next(request.form.get("next")) or _home(user), 303)


@bp.post("/logout")
@require_role(*STAFF_ROLES)
def logout() -> Response:
    """End the session and return to the sign-in page."""
    sign_out()
    return redirect(url_for("auth.login"), 303)


# --- /admin/users -------------------------------------------------------------------------------------
# Separation of duties (issue 12, Medium 7): the page cannot make, unmake or change auditors — the people who
# check the admins. That takes a second person at the box (`edge-agent users`, itself a signed staff event).
AUDITOR_ON_THE_BOX = ("Auditor accounts are managed on the box, not from this page: `edge-agent users add NAME "
                      "--role auditor` (or set-role / remove). 审计员账户只能在服务器上用命令行管理。")


WEB_ROLES: tuple[str, ...] = tuple(r for r in STAFF_ROLES if r != AUDITOR)  # what this page offers


def _role_of(name: str) -> str:
    """The account's current role ('' when there is no such account: the store's own error follows)."""
    account = auth_services().store.get(name)
    return account.role if account else ""


def _grantable(role: str) -> str:
    """The role, if this page may grant it (never auditor)."""
    if role == AUDITOR:
        raise UserError(AUDITOR_ON_THE_BOX)
    return role


def _users_page(status: int = 200, *, error: str = "", form: dict[str, str] | None = None) -> Any:
    services = auth_services()
    return render_template("admin_users.html", accounts=services.store.accounts(), roles=WEB_ROLES,
                           error=error, form=form or {}, min_chars=services.settings.password_min_chars), status


def _back(message: str) -> Response:
    flash(message)
    return redirect(url_for("auth.admin_users"), 303)


@bp.get("/admin/users")
@require_role(ADMIN)
def admin_users() -> Any:
    """Every account with forms to add, remove and change roles."""
    return _users_page()


@bp.post("/admin/users")
@require_role(ADMIN)
def admin_add_user() -> Any:
    """Create an account from the form (the password is checked against the strength rules)."""
    services = auth_services()
    form = {"username": request.form.get("username", "")[:64], "role": request.form.get("role", "")}
    try:
        name = check_name(form["username"])
        role = _grantable(check_role(form["role"]))
        password = request.form.get("password", "")
        if password != request.form.get("password2", ""):
            raise UserError("The two passwords differ. 两次输入的密码不一致。")
        check_strength(password, name, services.settings.password_min_chars)
        services.store.add(name, role, hash_password(services.hasher, password))
    except EdgeError as err:
        return _users_page(err.status, error=err.message, form=form)
    record_in_request(current_user().name, "user_add", name, role)
    log.info("user added: %s (%s) by %s", name, role, current_user().name)
    return _back(f"已添加用户 {name}。 Added {name}.")


@bp.post("/admin/users/<name>/role")
@require_role(ADMIN)
def admin_set_role(name: str) -> Any:
    """Change one account's role (the last admin keeps theirs)."""
    target = normalize_name(name)
    try:
        role = _grantable(check_role(request.form.get("role")))
        if target == current_user().name:
            raise UserError("You cannot change your own role. 不能修改自己的角色。")
        before = _role_of(target)
        if before == AUDITOR:
            raise UserError(AUDITOR_ON_THE_BOX)
        auth_services().store.set_role(target, role)
    except EdgeError as err:
        return _users_page(err.status, error=err.message)
    record_in_request(current_user().name, "role_change", target, f"{before} -> {role}")
    log.info("role changed: %s -> %s by %s", name, role, current_user().name)
    return _back(f"已将 {name} 的角色改为 {role}。 {name} is now {role}.")


@bp.post("/admin/users/<name>/remove")
@require_role(ADMIN)
def admin_remove_user(name: str) -> Any:
    """Delete one account and end its sessions (needs the confirm box; not yourself; not the last admin)."""
    target = normalize_name(name)
    try:
        if request.form.get("confirm") != "yes":
            raise UserError("Tick the box to confirm. 请勾选确认框。")
        if target == current_user().name:
            raise UserError("You cannot remove your own account. 不能删除自己的账户。")
        if _role_of(target) == AUDITOR:
            raise UserError(AUDITOR_ON_THE_BOX)
        auth_services().store.remove(target)
    except EdgeError as err:
        return _users_page(err.status, error=err.message)
    record_in_request(current_user().name, "user_remove", target)
    log.info("user removed: %s by %s", target, current_user().name)
    return _back(f"已删除用户 {target}。 Removed {target}.")
