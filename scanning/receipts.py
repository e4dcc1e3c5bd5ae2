"""Where a secret ballot's receipt code waits between the voter's requests.

The code is the only key to a secret ballot, so it is kept in the voter's own browser
(never in the session or a message, which live in the database), in a cookie that:

- is signed for one user *and* one login session: after logout, or when someone else
  logs in on the same browser, the cookie no longer opens anything;
- lasts only as long as the browser session, and is deleted by `ReceiptCookieMiddleware`
  on the first response where it no longer matches who is logged in (logout included).

A member who votes on one device and changes the ballot on another types the code.
"""

from django.core import signing
from django.utils.crypto import salted_hmac

COOKIE_PREFIX = "cs360_ballot_"
# The earlier design's cookie, keyed by round only: deleted wherever it is still found.
OLD_COOKIE_PREFIX = "cs360_receipt_"


def _salt(request, round_id) -> str | None:
    user = getattr(request, "user", None)
    session_key = request.session.session_key if hasattr(request, "session") else None
    if user is None or not user.is_authenticated or not session_key:
        return None
    # The session key itself never leaves the server; only a digest of it shapes the salt.
    bound = salted_hmac("scanning.receipt.session", session_key).hexdigest()[:32]
    return f"scanning.receipt:{round_id}:{user.pk}:{bound}"


def cookie_name(round_id) -> str:
    return f"{COOKIE_PREFIX}{round_id}"


def read(request, round_id) -> str:
    """The receipt code this browser holds for this user and round, or ""."""
    value = request.COOKIES.get(cookie_name(round_id))
    salt = _salt(request, round_id)
    if not value or salt is None:
        return ""
    try:
        return signing.loads(value, salt=salt)
    except signing.BadSignature:
        return ""


def keep(response, request, round_id, token) -> None:
    """Keep `token` for this user, this login session and this browser session only."""
    salt = _salt(request, round_id)
    if salt is None:
        return
    response.set_cookie(
        cookie_name(round_id),
        signing.dumps(token, salt=salt),
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )


class ReceiptCookieMiddleware:
    """Deletes receipt cookies that do not belong to whoever is now logged in (after logout,
    or another member's login on a shared computer), so none outlives its owner's session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        for name in request.COOKIES:
            if name.startswith(OLD_COOKIE_PREFIX):
                response.delete_cookie(name, samesite="Lax")
            if not name.startswith(COOKIE_PREFIX) or name in response.cookies:
                continue
            round_id = name.removeprefix(COOKIE_PREFIX)
            if not read(request, round_id):
                response.delete_cookie(name, samesite="Lax")
        return response
