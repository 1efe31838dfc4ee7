"""Python in Parallel: build the CPython variants, run the demos, build the site and slides.

Run ``invoke --list`` for the tasks and ``invoke --help TASK`` for a task's options.
The work lives in the ``inparallel`` package; each task here only parses its options.
"""

from __future__ import annotations

import sys
from pathlib import Path

from invoke import task

from inparallel import options
from inparallel.build import catalog
from inparallel.errors import UserError
from inparallel.failures import friendly as _friendly


def _names(text: str) -> list[str]:
    """Split ``"3.14,3.14t"`` (or spaces) into names: Invoke has no variadic arguments."""
    return [name for name in text.replace(",", " ").split() if name]


@task(
    help={
        "variant": "comma-separated variants, or 'all': " + ", ".join(catalog.known_names()),
        "source": "a local Python-X.Y.Z.tar.xz to use instead of downloading",
        "jobs": "parallel compile jobs (default: all cores)",
    },
)
@_friendly
def build(c, variant, source="", jobs=""):
    """Build CPython variants from verified source into the build cache (skips built ones).

    Examples: invoke build nogil; invoke build 3.13,3.13t; invoke build all
    """
    from inparallel.build import builder

    cores, tarball = options.jobs(jobs), options.source_file(source)
    builder.build_named(_names(variant), source=tarball, jobs=cores)


@task(help={"args": "extra pytest arguments, e.g. '-k catalog -x'",
            "fast": "skip the tests that build CPython or drive Chromium (a few minutes; "
                    "for development: CI runs everything)"})
@_friendly
def test(c, args="", fast=False):
    """Run the test suite, installing the system packages and npm modules it needs first."""
    from inparallel.build import prerequisites

    prerequisites.install_packages(prerequisites.BUILD_PACKAGES + prerequisites.TEST_PACKAGES)
    prerequisites.install_node_modules()
    if fast:
        args = f'-m "not build and not browser" {args}'
    c.run(f"{sys.executable} -m pytest {args}", pty=False)


@task
@_friendly
def variants(c):
    """Show every catalog variant: built, found on this system, or missing."""
    from inparallel.build import discovery, report

    report.variants_table(discovery.discover_all())


@task(
    help={
        "name": "the demo to run: nogil (the headline), cpu, overhead, startup, memory, ...",
        "workers": "comma-separated worker counts (default: 1, 2, 4 ... all cores)",
        "repeats": "the most timed repeats per point (default: the demo's adaptive rule)",
        "time_cap": "seconds per point before its repeats stop (default: the demo's own); "
                    "more gives tighter intervals on a noisy machine",
        "quick": "the smoke-test run size (small workloads); results are real but not charted",
        "stage": "the talk's run size (fixed work per worker, fits its slide's slot); "
                 "stored in build/stage-data/, not data/",
    },
)
@_friendly
def demo(c, name, workers="", repeats="", quick=False, stage=False, time_cap=""):
    """Run one demo under its variants, show it live and store it in data/ (--stage: build/)."""
    from inparallel.analysis import precision
    from inparallel.measure import demo_options, demo_runs
    from inparallel.publish import live

    # Every option is checked before anything is built or run.
    options = demo_options.parse(name, workers, repeats, quick=quick, stage=stage,
                                 time_cap=time_cap)
    path = demo_runs.run(options, live=live.LiveTable, after=live.after_run)
    for each in precision.of_files([path]):
        print(each.line())


@task(help={"quick": "a small smoke run of every demo (for CI)",
            "experiments": "run the long experiments (throughput, shared_state, service) instead"})
@_friendly
def bench(c, quick=False, experiments=False):
    """Run every timing demo under every available variant and store all of it in data/."""
    from inparallel.analysis import precision
    from inparallel.measure import demo_runs

    for each in precision.of_files(demo_runs.bench(quick, experiments=experiments)):
        print(each.line())


@task(help={"variants": "comma-separated: some of 3.13,3.13t,3.14,3.14t,3.15,3.15t (default all)",
            "benchmarks": "comma-separated pyperformance benchmarks of the pinned subset",
            "mode": "pyperf's fast (default, about 25 minutes on 2 cores) or rigorous"})
@_friendly
def suite(c, variants="", benchmarks="", mode="fast"):
    """The single-thread cost on pyperformance: GIL vs free-threaded builds, into data/."""
    from inparallel.measure import pyperformance_suite

    # Every option is checked before anything runs.
    pyperformance_suite.run(pyperformance_suite.parse_options(variants, benchmarks, mode))


@task(help={"deck": "the slides to rehearse (default: slides/talk.md)",
            "dry_run": "check the deck, the slots and the fallback charts; run no demo"})
@_friendly
def rehearse(c, deck="slides/talk.md", dry_run=False):
    """Run every live demo of the deck in slide order at stage size, timed against its slot."""
    from inparallel.publish import rehearse as rehearsal

    # A fallback chart that is missing (a fresh clone) or stale is drawn first, from data/.
    rehearsal.main(Path(deck), dry_run=dry_run, draw_charts=lambda: charts(c))



@task(help={"pdf": "export a PDF through Chromium ($CHROME_PATH, else /usr/bin/chromium) instead"})
@_friendly
def slides(c, pdf=False):
    """Build the talk's deck into docs/slides/index.html (one offline HTML file), or a PDF."""
    from inparallel.publish import slides as deck

    # Missing charts are drawn by the charts task, in a fresh process, as a user would run it.
    charts = f'"{sys.executable}" -m invoke charts'
    print(deck.build(pdf=pdf, draw_charts=lambda missing: c.run(charts)))


@task(help={"data": "the measurements folder to draw from (default: data/)",
            "docs": "the docs folder to write charts and numbers into (default: docs/)",
            "check": "fail when the data contradict a finding (claim) on any machine"})
@_friendly
def charts(c, data="data", docs="docs", check=False):
    """Draw every chart, evaluate every finding and write the site's generated text from data/."""
    from inparallel.publish import mkdocs_hook
    from inparallel.records import load

    root = Path(__file__).resolve().parent
    data_dir = options.folder(root / data, "--data")
    docs_dir = options.output_folder(root / docs, "--docs")
    load.check_all(data_dir)  # every file valid before anything is drawn or written
    for line in mkdocs_hook.main(data_dir, docs_dir, root / "demos", check=check):
        print(line)


@task(help={"preview": "build even when the data contradict a claim, marking it on the page"})
@_friendly
def docs(c, preview=False):
    """Draw the charts, check every claim against the data, then `mkdocs build --strict`."""
    import mkdocs  # noqa: F401  (before any work: a missing [docs] extra is one line)

    from inparallel.publish import site_build
    from inparallel.publish import slides as deck

    charts(c, check=not preview)
    deck.build()
    deck.build(pdf=True)  # published beside the HTML deck: docs/slides/python-in-parallel.pdf
    # Into a new folder, swapped in when complete: a stopped build leaves the old site.
    result = site_build.build_in_place(Path(__file__).resolve().parent)
    if result.returncode:
        # mkdocs's own report says which page or link; the last line says what failed.
        print((result.stderr or result.stdout)[-4000:], file=sys.stderr)
        raise UserError("mkdocs build --strict failed: its messages are above")
    print("site built in site/; preview it with `invoke serve`")


@task(help={"port": "the port on 127.0.0.1 (default 8000)"})
@_friendly
def serve(c, port="8000"):
    """Preview the site on http://127.0.0.1:PORT, rebuilding on changes."""
    number = options.port(port)  # before the charts are drawn: a typo must not cost that
    charts(c)
    c.run(f'"{sys.executable}" -m mkdocs serve --dev-addr 127.0.0.1:{number}',
          env={"NO_MKDOCS_2_WARNING": "1"}, pty=True)
