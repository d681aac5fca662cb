"""Layer 0, what every stage shares: path conventions, the findings model, the vocabulary."""
