# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Exploring the measurements
#
# This notebook is executed every time the site is built: it reads the JSON files in `data/`
# (the same ones the charts use), lists them, tabulates every result row and plots each demo's
# scaling. Change a file in `data/`, rebuild, and this page changes with it.

# %%
from pathlib import Path

import matplotlib.pyplot as plt
from IPython.display import Markdown, display

from inparallel import chart_style
from inparallel.chart_data import by_machine, load, speedups

# mkdocs-jupyter 0.26 runs this in the project root, 0.27 in docs/notebooks/: accept both.
DATA = next((p for p in (Path("data"), Path("../../data")) if p.is_dir()), Path("data"))
DEMOS = sorted(p.name for p in DATA.glob("*") if p.is_dir())
print(f"data folder: {DATA.resolve().name}/, demos with a folder: {', '.join(DEMOS) or 'none'}")

# %% [markdown]
# ## The files
#
# One row per committed (non-quick) measurement file.

# %%
measurements = [m for demo in DEMOS for m in load(DATA, demo)]
if measurements:
    lines = ["| demo | machine | started | rows | file |", "|---|---|---|---|---|"]
    lines += [
        f"| {m.demo} | {m.machine.label} | {m.started_at} | {len(m.rows)} | `{m.path.name}` |"
        for m in measurements
    ]
    display(Markdown("\n".join(lines)))
else:
    display(Markdown("No measurement is committed yet: run `invoke demo nogil` or `invoke bench`."))

# %% [markdown]
# ## Every result row
#
# Medians, with rows that could not run shown with their reason rather than dropped.

# %%
def describe(row) -> str:
    """The value of a row in words: its median, or why there is none."""
    if not row.available:
        return f"not available: {row.reason}"
    if row.error:
        return f"error: {row.error}"
    return f"{row.median:.4g} {row.unit}"


for m in measurements:
    lines = [f"**{m.demo}** on {m.machine.label}", "",
             "| variant | workload | strategy | workers | median |", "|---|---|---|---|---|"]
    lines += [f"| {r.variant} | {r.workload} | {r.strategy} | {r.workers} | {describe(r)} |"
              for r in m.rows]
    display(Markdown("\n".join(lines)))

# %% [markdown]
# ## Scaling and parallel efficiency
#
# For every demo with more than one worker count: throughput speedup against one worker of the
# same variant and strategy, and parallel efficiency (speedup divided by workers).

# %%
plotted = 0
for demo in DEMOS:
    for data in by_machine(load(DATA, demo)):
        curves = {}
        for variant in data.variants:
            for strategy in dict.fromkeys(r.strategy for r in data.select(variant=variant)):
                for workload in dict.fromkeys(r.workload for r in data.select(variant=variant)):
                    curve = speedups(data.select(variant=variant, strategy=strategy,
                                                 workload=workload))
                    if len(curve) > 1:
                        curves[f"{variant} {strategy} {workload}"] = curve
        if not curves:
            continue
        with chart_style.themed("light"):
            fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
            for label, curve in curves.items():
                left.plot(list(curve), list(curve.values()), marker="o", label=label)
                right.plot(list(curve), [s / n for n, s in curve.items()], marker="o")
            left.set(title=f"{demo}: speedup", xlabel="workers", ylabel="speedup")
            right.set(title="parallel efficiency", xlabel="workers", ylabel="speedup / workers",
                      ylim=(0, 1.2))
            left.legend(fontsize=9)
            fig.suptitle(data.machine.label, fontsize=12)
            plt.show()
        plotted += 1
print(f"{plotted} scaling figure(s)")
