"""Records: the one definition of a stored run, and reading and writing data/."""
