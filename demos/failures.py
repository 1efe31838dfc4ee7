"""What went wrong, as the one line a row's ``error`` holds: an exception's (``failure``), or a
fresh process's that died or hung before it answered (``answer_of``).

Standard library only, like the demos.
"""

import json
import subprocess


def failure(error):
    """An exception as the one line a row's ``error`` holds (sub-interpreters add tracebacks)."""
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0] if lines else 'no message'}"


def answer_of(command, timeout_s, cwd=None):
    """Run ``command`` in a fresh process and read its answer: the JSON of its last line.

    Returns (answer, crash): the answer, or None when it died before giving one; and None,
    or why it failed in one line (its exit code and last error line, or that it hung).
    """
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s,
                              cwd=cwd)
    except subprocess.TimeoutExpired:
        return None, f"hung: no answer within {timeout_s:g} s"
    try:
        answer = json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):  # it died before it could answer
        answer = None
    crashed = None
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no error output"])[-1]
        crashed = f"exited with code {done.returncode}: {last[:300]}"
    return answer, crashed
