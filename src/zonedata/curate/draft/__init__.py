"""`zonedata draft` and `zonedata quote`: candidate rows for a stored source text, by concern.

periods (the period words of a sentence), names (candidate names by head word), figures (a number
mention as a statistic), candidates (the draft itself), files (quote and where a draft file goes).
"""

from zonedata.curate.draft.candidates import Draft, draft
from zonedata.curate.draft.files import Closest, closest, pasteable, quote, write_draft

__all__ = ["Closest", "Draft", "closest", "draft", "pasteable", "quote", "write_draft"]
