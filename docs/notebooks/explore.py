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
# through the same analysis layer as the charts and the claims (`inparallel.records.load`,
# `inparallel.analysis.stats`, `inparallel.analysis.metrics`), lists them, shows what could
# not run, and plots each demo's scaling with its error bars. Change a file in `data/`,
# rebuild, and this page changes with it.

# %%
import io
from pathlib import Path

import matplotlib.pyplot as plt
from IPython.display import Image, Markdown, display

from inparallel.analysis import metrics
from inparallel.analysis.results import machine_results
from inparallel.build import catalog
from inparallel.publish import chart_style, palette
from inparallel.publish.escape import code, text
from inparallel.records.load import load_demo

# mkdocs-jupyter 0.26 runs this in the project root, 0.27 in docs/notebooks/: accept both.
DATA = next((p for p in (Path("data"), Path("../../data")) if p.is_dir()), Path("data"))
DEMOS = sorted(p.name for p in DATA.glob("*") if p.is_dir())
print(f"data folder: {DATA.resolve().name}/, demos with a folder: {', '.join(DEMOS) or 'none'}")

# %% [markdown]
# ## The files
#
# One line per committed (non-quick) measurement file: which variants it covers, how many
# result rows it holds, and how many of those could not run or failed.

# %%
records = [r for demo in DEMOS for r in load_demo(DATA, demo)]
if records:
    lines = ["| demo | machine | variants | rows | not available | failed | file |",
             "|---|---|---|---|---|---|---|"]
    for record in records:
        rows = [row for run in record.runs for row in run.results]
        variants = ", ".join(text(run.label) for run in record.runs)
        unavailable = sum(1 for row in rows if not row.available)
        failed = sum(1 for row in rows if row.available and row.error)
        # Every string from data/ goes in through escape.text or escape.code: it is inert.
        lines.append(f"| {text(record.demo)} | {text(record.machine.label)} | {variants} | "
                     f"{len(rows)} | {unavailable} | {failed} | {code(record.path.name)} |")
    display(Markdown("\n".join(lines)))
else:
    display(Markdown("No measurement is committed yet: run `invoke demo nogil` or `invoke bench`."))

# %% [markdown]
# ## What could not run, and why
#
# Rows are never dropped: a strategy a variant cannot run is stored with its reason, a crash
# with its error. The same reason often repeats over worker counts, so each is listed once.

# %%
for record in records:
    reasons: dict[tuple[str, str, str], int] = {}
    for run in record.runs:
        for row in run.results:
            if not row.available or row.error:
                why = (row.reason if not row.available else f"error: {row.error}") or "no reason"
                key = (run.label, row.strategy, why.splitlines()[0][:120])
                reasons[key] = reasons.get(key, 0) + 1
    if reasons:
        lines = [f"**{text(record.demo)}** on {text(record.machine.label)}", "",
                 "| variant | strategy | why | rows |", "|---|---|---|---|"]
        lines += [f"| {text(v)} | {text(s)} | {text(why)} | {n} |"
                  for (v, s, why), n in sorted(reasons.items())]
        display(Markdown("\n".join(lines)))

# %% [markdown]
# ## Runs aggregated per machine
#
# Charts and claims use, per machine, the median across every compatible run (same settings and
# interpreter versions). A run disturbed by other load, or not compatible with the newest one,
# is left out; it is listed here with the reason.

# %%
results = {demo: machine_results(DATA, demo) for demo in DEMOS}
lines = ["| demo | machine | runs used | left out |", "|---|---|---|---|"]
for demo, per_machine in results.items():
    for result in per_machine:
        left_out = "; ".join(f"{code(e.path.name)} ({text(e.reason)})"
                             for e in result.excluded) or "none"
        lines.append(f"| {text(demo)} | {text(result.machine.label)} | {len(result.files)} | "
                     f"{left_out} |")
display(Markdown("\n".join(lines)))

# %% [markdown]
# ## Scaling and parallel efficiency
#
# For every demo measured at more than one worker count: throughput speedup against one worker
# of the same variant and strategy (`metrics.speedups`), with its range as error bars, and
# parallel efficiency (speedup divided by workers). One panel pair per workload, on the GIL
# build and the free-threaded build the claims compare (`metrics.focus_pair`).

# %%
plotted = 0
for demo, per_machine in results.items():
    for result in per_machine:
        focus = [v for v in metrics.focus_pair(result) if v is not None]
        for workload in dict.fromkeys(p.workload for p in result.points):
            curves = {}
            for variant in focus:
                # Only timings have a speedup (memory in bytes does not); sequential is 1 worker.
                points = [p for p in result.select(variant=variant, workload=workload)
                          if p.unit == "s" and p.strategy != "sequential" and not p.env]
                for strategy in dict.fromkeys(p.strategy for p in points):
                    curve = metrics.speedups(p for p in points if p.strategy == strategy)
                    if len(curve) > 1:
                        curves[f"{variant} {strategy}"] = curve
            if not curves:
                continue
            with chart_style.themed("light"):
                fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.2))
                for label, curve in curves.items():
                    xs, values = list(curve), list(curve.values())
                    # The site's colour for each strategy; a free-threaded build's line dashed.
                    variant, strategy = label.split(" ", 1)
                    look = {"color": palette.colour(strategy, variant),
                            "linestyle": "--" if catalog.is_free_threaded(variant) else "-"}
                    left.errorbar(xs, [v.value for v in values], capsize=3, marker="o",
                                  label=label, yerr=[[v.value - v.low for v in values],
                                                     [v.high - v.value for v in values]], **look)
                    right.plot(xs, [v.value / n for n, v in curve.items()], marker="o", **look)
                left.set(title=f"{demo} / {workload} ({result.machine.label})",
                         xlabel="workers", ylabel="speedup")
                right.set(title="parallel efficiency", xlabel="workers",
                          ylabel="speedup / workers", ylim=(0, 1.2))
                left.legend(fontsize=9)
                # The charts module selected Agg, so plt.show() would draw nothing here.
                png = io.BytesIO()
                fig.savefig(png, format="png", dpi=80, bbox_inches="tight")
                plt.close(fig)
                display(Image(data=png.getvalue()))
            plotted += 1
print(f"{plotted} scaling figure(s)")
