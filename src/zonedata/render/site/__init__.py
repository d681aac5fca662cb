"""`zonedata site`: the published package as a static website where every value links to its source passage.

See `model.py` for what is read (generically, from the descriptor's schemas) and `build.py` for the
pages; the pages are Jinja2 templates in `templates/`, with one script and one style sheet in `static/`.
"""

from zonedata.render.site.build import SiteResult, build_site
from zonedata.render.site.model import SiteInputError

__all__ = ["SiteInputError", "SiteResult", "build_site"]
