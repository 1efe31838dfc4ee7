"""Build: the catalog of CPython variants, verified sources, builds from source, discovery."""
