"""Text from ``data/`` made inert in the generated Markdown of the site and the deck.

Anyone can contribute a data file, and every string in it (a CPU model, a command, a package
name or version, an error message, a reason) ends up on a page. Pages are Markdown, which
passes raw HTML through and reads ``[..](..)``, ``{: attr}``, ``*`` and friends as markup, so
such a string goes in only through these helpers or through a template of ``templates``:
markupsafe escapes the HTML, and the Markdown punctuation becomes character references that
both Markdown engines (Python-Markdown for the site, markdown-it for the deck) print as text.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, StrictUndefined
from markupsafe import Markup, escape

from inparallel.analysis.results import evidence_path

# Punctuation that Markdown or its extensions read as markup inside a line: ``[`` starts a
# link, an image or a footnote, ``{`` an attribute list (``{: onclick=...}``), a backtick code,
# ``|`` a table cell, ``*`` emphasis, ``\`` an escape. ``&``, ``<``, ``>`` and the quotes are
# markupsafe's. Parentheses and ``_`` are harmless without a ``[`` (and common in CPU names and
# variant labels: ``Intel(R)``, ``PYTHON_GIL=1``), so they stay as they are.
_MARKDOWN = str.maketrans({char: f"&#{ord(char)};" for char in "\\`*{}[]|"})


def text(value: Any) -> Markup:
    """``value`` as inert text on one line (a newline would end a table row or a list item)."""
    if isinstance(value, Markup):
        return value
    flat = " ".join(str(value if value is not None else "").split())
    return Markup(str(escape(flat)).translate(_MARKDOWN))


def code(value: Any) -> Markup:
    """``value`` as a Markdown code span: its characters stay literal, whatever they are.

    The fence is one backtick longer than the longest run inside, so none can close it early.
    """
    flat = " ".join(str(value if value is not None else "").split())
    runs = [len(run) for run in re.findall(r"`+", flat)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return Markup(f"{fence}{pad}{flat}{pad}{fence}")


def href(path: str) -> Markup:
    """A relative link target: percent-encoded, so no character of it ends the link."""
    return Markup(quote(path, safe="/#"))


def evidence_link(path: Path) -> Markup:
    """``[`file`](data/<demo>/<file>)``: a data file, linked where the site publishes it."""
    return link(code(path.name), evidence_path(path))


def link(label: Any, target: str, title: Any = "") -> Markup:
    """``[label](target "title")`` with ``label`` inert (unless it is ``Markup`` already)."""
    hint = Markup(' "{}"').format(text(title)) if title else Markup("")
    return Markup("[{}]({}{})").format(text(label), href(target), hint)


def _finalize(value: Any) -> Any:
    """Every ``{{ value }}`` of a template goes through ``text`` unless it is ``Markup``."""
    return value if isinstance(value, Markup) else text(value)


#: The environment of the generated pages' templates: autoescaping on, Markdown made inert.
templates = Environment(autoescape=True, finalize=_finalize, undefined=StrictUndefined,
                        keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
