"""Layer 2, loading: schemas, the raw CSV reader, the seed texts, the loaded dataset, version files."""
