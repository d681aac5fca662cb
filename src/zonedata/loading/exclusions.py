"""seeds/coverage_exclusions.csv: the number mentions of the seeds that are not data, with a reason.

It ships in every release beside the seeds, so it is read like any table, against the Table Schema
below: encoding, header, ragged rows, quotes, required cells, a known source (checked by
checks.keys) and one row per phrase of a source. Only the coverage check reads what it says.
"""

from __future__ import annotations

from pathlib import Path

from zonedata.base.paths import Paths
from zonedata.loading.schema import TableSchema, parse_schema
from zonedata.loading.tables import RawTable, read_table

EXCLUSIONS_TABLE = "coverage_exclusions"

#: the Table Schema of seeds/coverage_exclusions.csv (it is not a published table, so not in schemas/)
SCHEMA = {
    "title": "Coverage exclusions",
    "description": "Phrases of the seed texts whose numbers are not data (datelines, slogans, figures of speech), "
    "each with the reason it is left out.",
    "fields": [
        {
            "name": "source_id",
            "type": "string",
            "title": "Source",
            "description": "The seed text the phrase is in (sources.source_id).",
            "example": "001",
            "constraints": {"required": True, "pattern": "[0-9]{3}"},
        },
        {
            "name": "phrase",
            "type": "string",
            "title": "Phrase",
            "description": "The words of the text, copied exactly, that hold the excluded number mention(s).",
            "example": "connecting eleven countries in one bay",
            "constraints": {"required": True},
        },
        {
            "name": "reason",
            "type": "string",
            "title": "Reason",
            "description": "Why the mention is not data.",
            "example": "a figure of speech, not a count",
            "constraints": {"required": True},
        },
    ],
    "primaryKey": ["source_id", "phrase"],
    "missingValues": [""],
}


def exclusions_schema(paths: Paths, source_key: str = "source_id") -> TableSchema:
    """The exclusions' schema; its source_id refers to the sources table's key `source_key` (the sources role's
    source_id, which `roleFields` may name otherwise), once `paths` knows which table that is."""
    refs = (
        [{"fields": ["source_id"], "reference": {"resource": paths.sources_table, "fields": [source_key]}}]
        if paths.sources_table
        else []
    )
    return parse_schema(EXCLUSIONS_TABLE, Path("coverage_exclusions.schema.json"), {**SCHEMA, "foreignKeys": refs})


def read_exclusions(paths: Paths, source_key: str = "source_id") -> RawTable | None:
    """The exclusions table as read and checked (its findings in `.findings`); None when there is no file
    (a package without exclusions has none to check)."""
    path = paths.coverage_exclusions
    if not (path.exists() or path.is_symlink()):
        return None
    return read_table(paths, exclusions_schema(paths, source_key), path)
