"""Layer 5, release: diff between versions, citation metadata, cutting a release, the check of release metadata, and `validate(root)` over all of it."""
