"""The one reader of datapackage.json (the writer is `zonedata.publish.descriptor`).

Every reader of a descriptor (the working tree's, a release archive's, another package folder's, the
installed wheel's) parses it here, so each refuses the same things with the same words."""

from __future__ import annotations

import json

from zonedata.base import safe_json
from zonedata.base.findings import ConfigError

NAME = "datapackage.json"


def parse_descriptor(data: str | bytes, label: str | None = None) -> dict:
    """The descriptor in `data` (datapackage.json's text or bytes): an object whose resources are a list.

    Raises ConfigError when it is not valid JSON (or not UTF-8), or not an object with a list of
    resources; the message starts with `label` (the version or folder it was read from), when given."""
    where = f"{label}: {NAME}" if label else NAME
    try:
        descriptor = safe_json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{where} is not valid JSON: {exc}") from exc
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources", []), list):
        raise ConfigError(f"{where} is not a Data Package descriptor (an object with a list of resources)")
    return descriptor
