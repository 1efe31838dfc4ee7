"""Measure: run the demos under the variants and turn their output into records."""
