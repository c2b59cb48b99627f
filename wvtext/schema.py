"""Column contracts of the output files (the project specification outputs.md, contract v1).

The contract columns come first, in this order; extra columns follow them.
"""
from __future__ import annotations

__all__ = ["ANSWERS_COLUMNS", "ANSWERS_EXTRA", "RETURNS_COLUMNS", "RETURNS_EXTRA", "PROBLEMS_COLUMNS"]

ANSWERS_COLUMNS = (
    "locality", "qid", "code", "narrative", "code_valid", "code_class", "text_class", "divergent",
    "divergence_score", "divergence_type", "evidence", "themes", "support_request", "good_practice",
)
ANSWERS_EXTRA = ("return_id", "region", "section", "synthetic", "source_file", "source_row")

RETURNS_COLUMNS = (
    "locality", "region", "answers", "divergent", "divergence_rate", "out_of_step_score", "out_of_step",
)
RETURNS_EXTRA = ("return_id", "synthetic", "source_file", "source_format", "invalid_codes", "no_response", "problems")

PROBLEMS_COLUMNS = ("code", "kind", "source_file", "source_row", "qid", "field", "message")
