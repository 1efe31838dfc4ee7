"""Tables for the terminal."""

from __future__ import annotations

from rich.table import Table

from inparallel.build.discovery import Located
from inparallel.console import console


def _where(entry: Located) -> str:
    if entry.status == "built" and entry.executable:
        return str(entry.executable.parent.parent)  # the install prefix
    if entry.executable:
        return str(entry.executable)
    return f"invoke build {entry.variant.name}"


def variants_table(located: list[Located]) -> None:
    """Print one row per catalog variant: where it is, its exact version and its GIL."""
    table = Table(title="CPython variants", title_justify="left")
    for column in ("variant", "pinned", "status", "version", "GIL"):
        table.add_column(column, no_wrap=True)
    table.add_column("where", overflow="fold")
    style = {"built": "green", "found": "cyan", "missing": "red"}
    for entry in located:
        variant = entry.variant
        info = entry.info
        status = entry.status if entry.status != "found" else f"found ({entry.origin})"
        table.add_row(
            variant.name,
            variant.version + (" (RC)" if variant.prerelease else ""),
            f"[{style[entry.status]}]{status}[/]",
            info.version if info else "-",
            ("on" if info.gil_enabled else "[bold]off[/]") if info else "-",
            _where(entry),
        )
    console.print(table)
