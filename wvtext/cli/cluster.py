"""`wvtext cluster`: merge near-duplicate good-practice items and group them into collections."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from . import app
from ._util import echo_err, progress_bar, report_problems, staged_outputs


_HELP = (
    "Merge near-duplicate good-practice items and group them into labelled collections.\n\n"
    "The same example sent in twice (by a council and its CCG; reworded, shortened, figures rounded) becomes one "
    "near-duplicate group (dup_group); similar schemes from different areas stay apart. Items are then grouped by "
    "their words and themes into collections labelled with their dominant themes and characteristic terms. "
    "Duplicates always share a collection and every item lands in one: examples that share no theme with any "
    "collection (or have no text) are set aside in 'Other practice (no shared topic)', listed last; 'why' says what "
    "an item shares with its collection.\n\n"
    "Writes OUT/items.csv (item_id, collection_id, collection_label, dup_group, themes, then details), "
    "OUT/collections.csv (collection_id, collection_label, size, top_terms, themes, ...), OUT/collections.json "
    "(members, representatives, duplicate groups with provenance) and offline HTML pages in OUT/collections/ "
    "(open index.html).\n\n"
    "Example: wvtext cluster corpus/items/seed_items.csv --out out/cluster"
)


def _why_not(result, asked: int, min_size: int, n_items: int) -> str:
    """Why the collections made are not the number asked for, from what the clustering did."""
    made, units = len(result.collections), result.params.get("n_units", n_items)
    other = getattr(result.model, "other_collection_", None) is not None
    why = [f"there are only {units} distinct examples (near-duplicates count as one)"] if asked > units else []
    if made < min(asked, units) and min_size > 1:  # with --min-size 1 no group is too small
        why.append(f"groups smaller than --min-size {min_size} joined their nearest collection")
    if made > asked:
        why.append("groups whose items share no theme were split into the topics they hold")
    if other:
        why.append("examples that share no theme with any collection, or have no text, were set aside as "
                   "'Other practice'")
    return "; ".join(why) or "the grouping could not be cut into that many (some examples cannot be told apart)"


@app.command("cluster", help=_HELP)
def cluster_cli(
    items: Annotated[list[Path], typer.Argument(
        help="Items files (csv or xlsx) with item_id,title,description (optionally locality,region,source,kind).",
        metavar="ITEMS", show_default=False)],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write items.csv, collections.csv, "
                                      "collections.json and collections/*.html to (created if missing).")],
    threshold: Annotated[float, typer.Option(
        "--threshold", min=0.0, max=1.0,
        help="Near-duplicate score (0..1) from which two items count as one example.")] = 0.7,
    collections: Annotated[Optional[int], typer.Option(
        "--collections", "-k", min=1, help="Number of collections (default: chosen from the data).")] = None,
    min_size: Annotated[int, typer.Option(
        "--min-size", min=1, help="Smallest collection, in items; smaller groups join their nearest collection.")] = 3,
    theme_weight: Annotated[float, typer.Option(
        "--theme-weight", min=0.0, max=1.0, help="Weight (0..1) of the themes against the words when grouping.")] = 0.4,
    warnings: Annotated[int, typer.Option("--warnings", min=0, help="Show at most this many row warnings.")] = 10,
) -> None:
    """Read the items, find themes and near-duplicates, cluster, write the outputs (see _HELP)."""
    from ..errors import WvtextError
    from ..ingest import read_input, synthetic_file

    loaded: list[dict] = []
    origin: dict[str, str] = {}
    problems = []
    try:
        for path in items:
            got = read_input(path)
            if not got.format.startswith("items"):
                echo_err(f"error: {path}: reads as a {got.format.replace('_', ' ')} of returns, not an items file "
                         "(expected columns item_id,title,description).")
                raise typer.Exit(1)
            for it in got.items:
                if it["item_id"] in origin:
                    echo_err(f"error: {path}: item_id {it['item_id']!r} is also in {origin[it['item_id']]}; "
                             "item ids must be unique across files.")
                    raise typer.Exit(1)
                origin[it["item_id"]] = str(path)
                it.setdefault("synthetic", int(synthetic_file(path)))  # as the store marks them
                loaded.append(it)
            problems.extend(got.problems)
    except WvtextError as exc:
        echo_err(f"error: {exc}")
        raise typer.Exit(1)
    if problems:
        report_problems(problems, limit=warnings, where=str(Path(out) / "problems.csv") if loaded else None)
    if not loaded:
        echo_err("error: no items to cluster: the files hold no rows with an item_id.")
        raise typer.Exit(1)

    from ..cluster import cluster_items

    with progress_bar() as progress:
        result = cluster_items(loaded, dup_threshold=threshold, n_collections=collections, min_size=min_size,
                               theme_weight=theme_weight, progress=progress)
    try:
        # into a staging folder first: OUT gets all the outputs or, on an error or an interrupt, none
        with staged_outputs(out) as folder:
            _write(result, folder, problems)
    except OSError as exc:
        echo_err(f"error: cannot write the outputs to {out}: {exc.strerror or exc}.")
        raise typer.Exit(1)
    if collections is not None and len(result.collections) != collections:
        echo_err(f"note: {collections} collections asked for, {len(result.collections)} made: "
                 f"{_why_not(result, collections, min_size, len(loaded))}.")
    groups = result.duplicates.groups
    typer.echo(f"{len(loaded)} items, {len(groups)} near-duplicate groups ({sum(len(g.item_ids) for g in groups)} items), "
               f"{len(result.collections)} collections")
    typer.echo(f"{'id':<5}{'items':>6}  label")
    for c in result.collections:
        typer.echo(f"{c['collection_id']:<5}{c['size']:>6}  {c['collection_label']}")
    echo_err(f"wrote {out}/items.csv, collections.csv, collections.json and collections/index.html")


def _write(result, folder: Path, problems: list) -> None:
    """The outputs, and every row warning beside them (the terminal shows the first few)."""
    from ..cluster import write_outputs

    write_outputs(result, folder)
    if problems:
        from ..export import write_csv
        from ..schema import PROBLEMS_COLUMNS

        write_csv(folder / "problems.csv", PROBLEMS_COLUMNS, (
            {"code": p.code, "kind": p.kind, "source_file": p.file, "source_sheet": p.sheet,
             "source_row": "" if p.row is None else p.row, "qid": p.qid, "field": p.field, "message": p.message}
            for p in problems))
