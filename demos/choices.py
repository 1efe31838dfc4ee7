"""Argparse types for the options that pick a subset of a demo's strategies or sizes."""

import argparse


def subset(choices):
    """A type for ``a,b``: names from ``choices``, in the order given; anything else is an
    error that lists the choices."""
    def parse(text):
        names = [name for name in text.split(",") if name]
        unknown = [name for name in names if name not in choices]
        if unknown or not names:
            raise argparse.ArgumentTypeError(
                f"unknown strategy {(unknown or [text])[0]!r}; choose from {', '.join(choices)}")
        return names
    return parse


def numbers(low, high):
    """A type for ``1000,30000``: whole numbers, each from ``low`` to ``high``."""
    def parse(text):
        try:
            values = [int(part) for part in text.split(",")]
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a list of whole numbers") from None
        bad = [value for value in values if not low <= value <= high]
        if bad:
            raise argparse.ArgumentTypeError(
                f"{bad[0]} is out of range (each from {low} to {high})")
        return values
    return parse
