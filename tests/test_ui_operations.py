"""The UI hands the database thread only named operations (issue 14).

Work that runs on the database thread is a module-level function (in xinhe/ui/operations/
for a user's action), never a lambda or a function defined inside the widget code that
starts it: a named operation can be read, typed and tested on its own, and a closure over
a widget is how a window's state leaks onto the database thread.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import ADMIN_PASSWORD
from xinhe.errors import InvalidInput, WrongPassword
from xinhe.records import templates as tpl
from xinhe.records.services import Services
from xinhe.records.vault import Vault
from xinhe.ui.operations import accounts

UI = Path(__file__).resolve().parent.parent / "xinhe" / "ui"

# Where the work is handed over (xinhe/ui/operations and the worker are the handing itself).
EXEMPT = ("operations/", "worker.py")
# controller.py belongs to this start-up work: its two vault closes at quit
# (`lambda: ctx.vault.close("logout")`) become `partial(ctx.vault.close, "logout")` there.
KNOWN: set[tuple[str, str]] = set()


def _work_arguments(call: ast.Call) -> list[ast.expr]:
    """The argument of `call` that runs on the database thread, if it is a hand-over."""
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    owner = func.value if isinstance(func, ast.Attribute) else None
    keywords = {k.arg: k.value for k in call.keywords}
    positional = call.args
    if name in ("run", "run_form") and (owner is None or (
            isinstance(owner, ast.Name) and owner.id == "operations")):
        # operations.run(ctx, work, ...) / run_form(ctx, work, values, ...)
        return [keywords["work"]] if "work" in keywords else positional[1:2]
    if name == "run" or name in ("submit", "call"):
        # SimpleForm.run(work, changed), DbWorker.submit(work, ...), DbWorker.call(work)
        return [keywords["work"]] if "work" in keywords else positional[:1]
    if name == "choose_user":
        return [keywords["work"]] if "work" in keywords else positional[5:6]
    if name == "print_signed":
        return [keywords["fetch"]] if "fetch" in keywords else []
    if name == "print_document":
        return [keywords["make"]] if "make" in keywords else []
    return []


def _bindings(function: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, str]:
    """Names bound inside `function`: "def" (a nested function), "lambda", or "value"."""
    bound: dict[str, str] = {}
    arguments = function.args
    for arg in arguments.posonlyargs + arguments.args + arguments.kwonlyargs + [
            a for a in (arguments.vararg, arguments.kwarg) if a is not None]:
        bound[arg.arg] = "value"
    pending: list[ast.AST] = list(function.body)
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            bound[node.name] = "def"
            continue  # its own body is its own scope
        if isinstance(node, (ast.Lambda, ast.ClassDef)):
            continue
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    bound[target.id] = "lambda" if isinstance(node.value, ast.Lambda) \
                        else "value"
        pending.extend(ast.iter_child_nodes(node))
    return bound


def _unnamed(work: ast.expr, scopes: list[dict[str, str]]) -> str | None:
    """Why `work` is not a named operation (None: it is one)."""
    if isinstance(work, ast.Lambda):
        return "lambda"
    if isinstance(work, ast.Call) and work.args and (
            getattr(work.func, "id", None) == "partial"
            or getattr(work.func, "attr", None) == "partial"):
        return _unnamed(work.args[0], scopes)
    if isinstance(work, ast.Name):
        for scope in reversed(scopes):
            if work.id in scope:
                kind = scope[work.id]
                return f"nested function {work.id}" if kind == "def" else \
                    ("lambda" if kind == "lambda" else None)
    return None


def unnamed_handovers(source: str) -> list[tuple[int, str]]:
    """(line, what) for each lambda or nested function handed to the database thread."""
    found: list[tuple[int, str]] = []

    def visit(node: ast.AST, scopes: list[dict[str, str]]) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            scopes = [*scopes, _bindings(node)]
        if isinstance(node, ast.Call):
            for work in _work_arguments(node):
                why = _unnamed(work, scopes)
                if why is not None:
                    found.append((node.lineno, why))
        for child in ast.iter_child_nodes(node):
            visit(child, scopes)

    visit(ast.parse(source), [])
    return found


def test_the_check_finds_lambdas_and_nested_functions_but_not_named_operations() -> None:
    source = '''
def named(services, values):
    return services.cases.find()

def screen(ctx, form, worker, case_id):
    def work(services):
        return services.cases.header(case_id)
    also = lambda s: s.cases.find()
    operations.run(ctx, lambda s: s.cases.find(), parent=None)
    operations.run(ctx, work, parent=None)
    form.run(partial(work), set())
    worker.submit(also)
    choose_user(ctx, None, "t", "f", (), lambda s, v: None, set())
    print_signed(ctx=ctx, parent=None, fetch=lambda s: b"", title="t")
    form.run(named, set())
    form.run(partial(named, case_id=case_id), set())
    operations.run(ctx, ops.load_case, parent=None)
    worker.call(partial(ctx.vault.close, "logout"))
'''
    assert unnamed_handovers(source) == [
        (9, "lambda"), (10, "nested function work"), (11, "nested function work"),
        (12, "lambda"), (13, "lambda"), (14, "lambda")]


def test_the_ui_hands_the_database_thread_only_named_operations() -> None:
    offenders = []
    for path in sorted(UI.rglob("*.py")):
        name = path.relative_to(UI).as_posix()
        if name.startswith(EXEMPT):
            continue
        for line, why in unnamed_handovers(path.read_text(encoding="utf-8")):
            if (name, why) not in KNOWN:
                offenders.append(f"xinhe/ui/{name}:{line}: {why}")
    assert offenders == []


def test_the_account_forms_operations_refuse_a_password_typed_differently(vault: Vault) -> None:
    """The admin's and the user's password forms run as named operations on a real vault:
    two different passwords are refused in Chinese and nothing is created or changed."""
    services = Services(vault, tpl.TemplateRegistry.default())
    form = {"login": "li", "name": "李老师", "role": "counsellor", "password": "Pass-word-7",
            "again": "Pass-word-8"}
    with pytest.raises(InvalidInput) as refused:
        accounts.add_user(services, form)
    assert refused.value.zh == "两次输入的密码不一致。"
    assert "li" not in [u.username for u in services.accounts.users()]
    added = accounts.add_user(services, {**form, "again": "Pass-word-7"})
    assert (added.username, added.display_name) == ("li", "李老师")

    with pytest.raises(InvalidInput):
        accounts.change_password(services, {"old": ADMIN_PASSWORD, "new": "New-pass-9",
                                            "again": "New-pass-0"})
    accounts.confirm_password(services, {"password": ADMIN_PASSWORD})  # still the old one
    with pytest.raises(WrongPassword):
        accounts.confirm_password(services, {"password": "New-pass-9"})
