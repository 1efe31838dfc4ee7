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
import io
from pathlib import Path

import matplotlib.pyplot as plt
from IPython.display import Image, Markdown, display

from inparallel.publish import chart_style
from inparallel.records.reader import by_machine, focus_variants, load, speedups

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
measurements = [m for demo in DEMOS for m in load(DATA, demo)]
if measurements:
    lines = ["| demo | machine | variants | rows | not available | failed | file |",
             "|---|---|---|---|---|---|---|"]
    for m in measurements:
        variants = ", ".join(dict.fromkeys(r.variant for r in m.rows))
        unavailable = sum(1 for r in m.rows if not r.available)
        failed = sum(1 for r in m.rows if r.available and r.error)
        lines.append(f"| {m.demo} | {m.machine.label} | {variants} | {len(m.rows)} | "
                     f"{unavailable} | {failed} | `{m.path.name}` |")
    display(Markdown("\n".join(lines)))
else:
    display(Markdown("No measurement is committed yet: run `invoke demo nogil` or `invoke bench`."))

# %% [markdown]
# ## What could not run, and why
#
# Rows are never dropped: a strategy a variant cannot run is stored with its reason, a crash
# with its error. The same reason often repeats over worker counts, so each is listed once.

# %%
for m in measurements:
    reasons: dict[tuple[str, str, str], int] = {}
    for r in m.rows:
        if not r.available or r.error:
            text = (r.reason if not r.available else f"error: {r.error}") or "no reason given"
            key = (r.variant, r.strategy, text.splitlines()[0][:120])
            reasons[key] = reasons.get(key, 0) + 1
    if reasons:
        lines = [f"**{m.demo}** on {m.machine.label}", "",
                 "| variant | strategy | why | rows |", "|---|---|---|---|"]
        lines += [f"| {v} | {s} | {why} | {n} |" for (v, s, why), n in sorted(reasons.items())]
        display(Markdown("\n".join(lines)))

# %% [markdown]
# ## Scaling and parallel efficiency
#
# For every demo measured at more than one worker count: throughput speedup against one worker
# of the same variant and strategy, and parallel efficiency (speedup divided by workers).
# One panel pair per workload, on the newest GIL build and the newest free-threaded build.

# %%
plotted = 0
for demo in DEMOS:
    for data in by_machine(load(DATA, demo)):
        focus = focus_variants(data.variants)
        for workload in dict.fromkeys(r.workload for r in data.rows):
            curves = {}
            for variant in focus:
                # Only timings have a speedup (memory in bytes does not); sequential is 1 worker.
                rows = [r for r in data.select(variant=variant, workload=workload)
                        if r.unit == "s" and r.strategy != "sequential"]
                for strategy in dict.fromkeys(r.strategy for r in rows):
                    curve = speedups([r for r in rows if r.strategy == strategy])
                    if len(curve) > 1:
                        curves[f"{variant} {strategy}"] = curve
            if not curves:
                continue
            with chart_style.themed("light"):
                fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.2))
                for label, curve in curves.items():
                    left.plot(list(curve), list(curve.values()), marker="o", label=label)
                    right.plot(list(curve), [s / n for n, s in curve.items()], marker="o")
                left.set(title=f"{demo} / {workload} ({data.machine.label})",
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
