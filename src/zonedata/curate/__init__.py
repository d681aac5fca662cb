"""Curating a new source: store it (`addsource`), draft candidate rows from it (`draft`), find the
sentence to quote (`draft.quote`). Nothing here writes into data/raw."""
