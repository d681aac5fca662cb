"""One module per CLI verb; each is a thin click wrapper over a library function."""
