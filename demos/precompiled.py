"""Import a module of demos/ from its bytecode (.pyc), as an installed program does.

An import that finds no .pyc compiles the source with the builtin compile(), and on the
free-threaded 3.13 and 3.14 that leaves the code's constants mortal: threads running a loop
that loads one then all update that constant's reference count, and take turns on it. A .pyc
gives immortal constants (docs/surprises.md). With PYTHONDONTWRITEBYTECODE set, as on the
measuring machine, imports never write a .pyc; py_compile writes one anyway, and the import
then reads it.
"""

import importlib
import py_compile
import sys
from pathlib import Path


def load(name):
    """Module ``name`` of demos/, imported from a .pyc written for this interpreter now (a
    module imported already is returned as it is: call this before anything imports it)."""
    if name in sys.modules:
        return sys.modules[name]
    try:
        py_compile.compile(str(Path(__file__).with_name(f"{name}.py")), doraise=True)
    except (OSError, py_compile.PyCompileError) as error:
        # A read-only checkout: the import compiles the source, as it did before.
        print(f"precompiled: {name}: {error}", file=sys.stderr)
    return importlib.import_module(name)
