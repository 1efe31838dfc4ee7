"""Publish: charts, quoted numbers, the site's MkDocs hook and the slide deck."""
