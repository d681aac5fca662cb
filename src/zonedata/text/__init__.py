"""Layer 1, text: safe normalisation, the number grammar, and locating quotes in source texts."""
