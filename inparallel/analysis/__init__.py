"""Analysis: statistics over stored runs and the findings every claim rests on."""
