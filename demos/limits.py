"""What a demo's command line accepts: beyond these bounds a number is a typo, not an
experiment.

Standard library only, like the demos. The package checks the same options before a run
(inparallel/measure/demo_rules.py reads this file), so it must import nothing from demos/.
"""

MAX_WORKERS = 1024  # more workers than this is a typo, not an experiment
REPEATS_LIMIT = 10_000  # --repeats beyond this is a typo too
# --time-cap, in seconds per point: from a millisecond to an hour.
MIN_TIME_CAP_S = 0.001
MAX_TIME_CAP_S = 3600
