"""Make the test fixtures from the real Leicestershire return (corpus/returns).

Each file is named after the case it reproduces. Run from the repo root:
    python tests/data/make_fixtures.py
The outputs are committed; this script documents how they were made.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from wvtext.ingest import read_input
from wvtext.writers import write_long_csv, write_return_xlsx

HERE = Path(__file__).parent
SEED = Path("corpus/returns/leicestershire_2013_stocktake.txt")


def main() -> None:
    ret = read_input(SEED).returns[0]
    answers = [{"qid": a.qid, "code": a.code_raw, "narrative": a.narrative_raw} for a in ret.answers]

    # The same return in the other two layouts.
    write_return_xlsx(HERE / "return_leicestershire.xlsx", "Leicestershire", answers, title_number=27)
    write_long_csv(HERE / "returns_long.csv", [("Leicestershire", "East Midlands", answers)])

    # Excel's csv variants: ';' with a UTF-8 BOM, and Windows-1252 with curly quotes and a pound sign.
    buf = io.StringIO()
    write_long_csv_to(buf, answers[:10], delimiter=";", locality="Leicestershire CC")
    (HERE / "returns_semicolon_bom.csv").write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))
    buf = io.StringIO()
    first = [dict(a) for a in answers[:10]]
    first[4]["narrative"] = first[4]["narrative"].replace("The Health", "The \u2018Health") + " Budget \u00a3120k \u2013 agreed."
    write_long_csv_to(buf, first, delimiter=",", locality="Leics")
    (HERE / "returns_cp1252.csv").write_bytes(buf.getvalue().encode("cp1252"))

    # A text dump cut off in the middle of section 6 (as a failed copy would leave it).
    lines = SEED.read_text(encoding="utf-8").split("\n")
    cut = next(i for i, l in enumerate(lines) if l.startswith("44\t6.6"))
    (HERE / "return_truncated.txt").write_text("\n".join(lines[:cut]) + "\n44\t6.6 Have the potential costs",
                                               encoding="utf-8")

    # A dump whose 2.1 narrative runs onto two further lines.
    i = next(i for i, l in enumerate(lines) if l.startswith("10\t2.1"))
    multi = lines[:i] + [lines[i], "Second paragraph of the answer, on its own line.", "Third line."] + lines[i + 1 :]
    (HERE / "return_multiline.txt").write_text("\n".join(multi), encoding="utf-8")

    # Every row-level problem in one long csv (real narratives, damaged rows).
    rows = [dict(a) for a in answers]
    by = {a["qid"]: a for a in rows}
    by["1.5"]["code"] = "TBC"                      # W103 unreadable code
    by["1.6"]["code"] = "7"                        # W104 outside the 0-3 scheme
    by["1.7"]["code"] = ""                         # W105 blank code with a narrative
    by["2.1"]["narrative"] = ""                    # W106 empty narrative
    by["2.2"]["code"] = "1, 3"                     # W110 several codes, single-code question
    extra = [{"qid": "6.11", "code": "1", "narrative": "An answer to a question the stocktake does not have."},
             {"qid": "1.1", "code": "0", "narrative": "A second answer to 1.1."}]
    rows = [r for r in rows if r["qid"] != "9.2"] + extra    # W107 missing 9.2; W101; W102
    write_long_csv(HERE / "return_problems.csv", [("Leicestershire", "East Midlands", rows)])

    # An unknown place: kept, with a blank region and a warning.
    write_long_csv(HERE / "return_unknown_locality.csv", [("Atlantis Borough", "", answers[:5])])

    # Unreadable files.
    (HERE / "empty.csv").write_bytes(b"")
    xlsx = (HERE / "return_leicestershire.xlsx").read_bytes()
    (HERE / "return_corrupt.xlsx").write_bytes(xlsx[: len(xlsx) // 2])
    (HERE / "returns_missing_columns.csv").write_text("locality,question,answer\nLeicestershire,1.1,3\n", encoding="utf-8")
    (HERE / "returns_undecodable.csv").write_bytes(
        "locality,qid,code,narrative\nLeicestershire,1.1,3,Board \u00e9tabli\n".encode("utf-8").replace(b"\xc3\xa9", b"\x81\x8d"))
    (HERE / "notes_unrecognised.txt").write_text("Meeting notes\nNothing here is a return.\n", encoding="utf-8")
    (HERE / "legacy.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)


def write_long_csv_to(fh, answers, *, delimiter: str, locality: str) -> None:
    w = csv.writer(fh, delimiter=delimiter)
    w.writerow(["Locality", "QID", "Code", "Narrative", "Notes"])
    for a in answers:
        w.writerow([locality, a["qid"], a["code"], a["narrative"], ""])


if __name__ == "__main__":
    main()
