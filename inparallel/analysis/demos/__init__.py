"""One module per demo: the metrics its data need and the findings its data support.

Each module exposes ``findings() -> tuple[Finding, ...]``; ``inparallel.analysis.findings``
assembles them into the registry. The rules more than one demo uses live in
``inparallel.analysis.metrics``, the types of a finding in ``inparallel.analysis.verdict``.
"""
