"""The checks `zonedata validate` runs, one module per concern, each `check(dataset) -> list[Finding]`."""
