"""zonedata: China-ASEAN industrial parks, projects and statistics, every value traced to a quote.

The analyst API (`load`, `package`) is imported lazily so `import zonedata` stays cheap.
"""

from importlib.metadata import PackageNotFoundError, version as _version

try:
    __version__ = _version("zonedata")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = ["__version__", "load", "package"]


def __getattr__(name):
    if name in ("load", "package"):
        from zonedata import api

        return getattr(api, name)
    raise AttributeError(f"module 'zonedata' has no attribute {name!r}")
