"""Who may administer the bot: BOT_ADMINS, asked on every action, every refusal audited."""

from __future__ import annotations

from collections.abc import Iterable

from bot.store import Store


class AdminGate:
    def __init__(self, store: Store, admins: Iterable[int]) -> None:
        self.store = store
        self.admins = frozenset(admins)

    def is_admin(self, user_id: int | None) -> bool:
        """Whether to show administrators' buttons to `user_id` (not audited: nothing is done yet;
        the press itself is checked with `allows`)."""
        return user_id is not None and user_id in self.admins

    def allows(self, user_id: int | None, action: str) -> bool:
        """True for a bot administrator; anyone else is refused and the refusal is audited."""
        if user_id is not None and user_id in self.admins:
            return True
        self.store.audit(user_id, action, "refused")
        return False
