"""Layer 6, render: the text, JSON and GitHub renderings of results."""
