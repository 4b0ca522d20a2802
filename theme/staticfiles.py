"""plotly.js from the copy inside the plotly package, served as /static/plotly/plotly.min.js
and collected by collectstatic: no CDN (intranets have no internet), and the browser gets
the very plotly.js the Python figures were built for. Only that one file is exposed; the
package's datasets and templates stay out of STATIC_ROOT."""

from pathlib import Path

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PREFIX = "plotly"
FILE = "plotly.min.js"
SOURCE = Path(plotly.__file__).parent / "package_data"


class PlotlyFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.storage = FileSystemStorage(location=SOURCE)
        self.storage.prefix = PREFIX

    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False, **kwargs):
        if path != f"{PREFIX}/{FILE}":
            return [] if find_all else None
        match = str(SOURCE / FILE)
        return [match] if find_all else match

    def list(self, ignore_patterns):
        yield FILE, self.storage
