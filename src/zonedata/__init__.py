"""zonedata: an engine for hand-curated data packages whose every value is traced to a quote.

The analyst API (`load`, `package`) and `__version__` are looked up lazily so `import zonedata` stays cheap.
"""

__all__ = ["__version__", "load", "package"]


def __getattr__(name):
    if name == "__version__":  # looked up on first use: importlib.metadata costs ~20 ms of every command
        from importlib.metadata import PackageNotFoundError, version

        try:
            value = version("zonedata")
        except PackageNotFoundError:  # running from a source tree that is not installed
            value = "0+unknown"
        globals()["__version__"] = value
        return value
    if name in ("load", "package"):
        from zonedata import api

        return getattr(api, name)
    raise AttributeError(f"module 'zonedata' has no attribute {name!r}")
