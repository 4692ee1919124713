"""User accounts: the colleagues a case can be given to, a user's own password, the
password asked again before a dangerous act, and the administrator's account forms.

The form operations take the services and the form's values (SimpleForm.run)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from xinhe.errors import InvalidInput
from xinhe.ui.operations import FormValues, run

if TYPE_CHECKING:
    from xinhe.records.accounts import User
    from xinhe.records.services import Services
    from xinhe.ui.context import AppContext


def load_users(*, ctx: AppContext, parent: QWidget, on_done: Callable[[list[User]], None]
               ) -> None:
    """Every account not removed (to choose whom a case goes to)."""
    run(ctx, _users, parent=parent, on_done=on_done)


def _users(services: Services) -> list[User]:
    return services.accounts.users()


def confirm_password(services: Services, values: FormValues) -> None:
    """The acting user's password (`values["password"]`) again; raises if it is wrong."""
    services.accounts.verify_password(values["password"])


def change_password(services: Services, values: FormValues) -> None:
    """The acting user's new password (`old`, `new`, `again`), typed the same twice."""
    if values["new"] != values["again"]:
        raise InvalidInput("两次输入的新密码不一致。", "The two new passwords differ.")
    services.accounts.change_password(values["old"], values["new"])


def _same_twice(values: FormValues) -> None:
    if values["password"] != values["again"]:
        raise InvalidInput("两次输入的密码不一致。", "The two passwords do not match.")


def add_user(services: Services, values: FormValues) -> User:
    """Administrator: a new account (`login`, `name`, `role`, `password` typed twice)."""
    _same_twice(values)
    return services.accounts.add_user(values["login"], values["name"], values["role"],
                                      values["password"])


def reset_password(services: Services, values: FormValues, *, username: str) -> None:
    """Administrator: give `username` a new password (`password` typed twice)."""
    _same_twice(values)
    services.accounts.reset_password(username, values["password"])
