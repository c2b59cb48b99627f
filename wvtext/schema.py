"""Column contracts of the output files (the project specification outputs.md, contract v1).

The contract columns come first, in this order; extra columns follow them.
"""
from __future__ import annotations

__all__ = ["ANSWERS_COLUMNS", "ANSWERS_EXTRA", "RETURNS_COLUMNS", "RETURNS_EXTRA", "PROBLEMS_COLUMNS", "REVIEW_COLUMNS",
           "EVIDENCE_COLUMNS", "ITEM_THEMES_COLUMNS", "SUPPORT_REQUEST_COLUMNS", "GOOD_PRACTICE_COLUMNS"]

ANSWERS_COLUMNS = (
    "locality", "qid", "code", "narrative", "code_valid", "code_class", "text_class", "divergent",
    "divergence_score", "divergence_type", "evidence", "themes", "support_request", "good_practice",
)
ANSWERS_EXTRA = ("return_id", "region", "section", "synthetic", "text_confidence", "resolved_from",
                 "good_practice_score", "source_file", "source_row")

RETURNS_COLUMNS = (
    "locality", "region", "answers", "divergent", "divergence_rate", "out_of_step_score", "out_of_step",
)
RETURNS_EXTRA = ("return_id", "synthetic", "overstated_answers", "profile_distance", "out_of_step_drivers", "source_file",
                 "source_format", "invalid_codes", "blank_codes", "problems")

PROBLEMS_COLUMNS = ("code", "kind", "source_file", "source_sheet", "source_row", "qid", "field", "message")

# One row per theme mention: offsets refer to answers.csv's `narrative` (answers) or to
# "title. description" (items).
EVIDENCE_COLUMNS = (
    "object", "locality", "return_id", "qid", "item_id", "theme", "confidence", "carried", "theme_negated",
    "term", "matched", "start_char", "end_char", "negated", "hedged", "in_list", "frame", "sentence",
)
ITEM_THEMES_COLUMNS = ("item_id", "title", "locality", "region", "source", "kind", "themes", "theme_confidences",
                       "description", "synthetic")
SUPPORT_REQUEST_COLUMNS = ("locality", "region", "return_id", "qid", "sentence", "themes", "cues", "synthetic")
# reviews.csv: the analysts' latest decision per answer, theme or item (`wvtext review`).
REVIEW_COLUMNS = ("kind", "return_id", "locality", "qid", "item_id", "theme", "decision", "value", "note",
                  "reviewer", "decided_at")
GOOD_PRACTICE_COLUMNS = ("item_id", "locality", "region", "return_id", "qid", "title", "themes", "score", "evidence", "text",
                         "synthetic")
