"""Password hashing (bcrypt) and the minimum policy for passwords an admin sets."""
from __future__ import annotations

import bcrypt

MIN_LENGTH = 10


def hash_password(password: str, *, rounds: int = 12) -> str:
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(rounds)).decode("ascii")


def verify_password(password: str, password_hash: str) -> bool:
    try:
        return bcrypt.checkpw(password.encode("utf-8"), password_hash.encode("ascii"))
    except ValueError:
        return False


def policy_problem(password: str) -> str | None:
    """Why a new password is refused ('too_short', 'too_long', 'letters_and_digits') or None.

    At least 10 characters with a letter and a digit; at most 72 bytes, bcrypt's limit.
    """
    if len(password) < MIN_LENGTH:
        return "too_short"
    if len(password.encode("utf-8")) > 72:
        return "too_long"
    if not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
        return "letters_and_digits"
    return None
