"""`wvtext codebook`: show the codebook, or build it from a real return."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

app = typer.Typer(help="Show the stocktake codebook (questions, code schemes, answer classes), or rebuild it.",
                  invoke_without_command=True, no_args_is_help=False)


@app.callback()
def show(
    ctx: typer.Context,
    question: Annotated[Optional[str], typer.Option("--question", "-q", help="Only this question, e.g. 1.8.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, json or csv.")] = "table",
) -> None:
    """Show the codebook: each question with its kind and each code with its answer class."""
    if ctx.invoked_subcommand:
        return
    from ..codebook import load_codebook, normalize_qid

    cb = load_codebook()
    if question is not None:
        question = normalize_qid(question)
    qs = [q for q in cb if question is None or q.qid == question]
    if question and not qs:
        raise typer.BadParameter(f"no question {question!r}; questions run from 1.1 to 11.3", param_hint="--question")
    if fmt == "json":
        path = Path(__import__("wvtext.paths", fromlist=["corpus_dir"]).corpus_dir()) / "codebook.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        data["questions"] = [q for q in data["questions"] if q["qid"] in {x.qid for x in qs}]
        typer.echo(json.dumps(data, indent=1, ensure_ascii=False))
    elif fmt == "csv":
        import csv
        import sys

        w = csv.writer(sys.stdout)
        w.writerow(["qid", "section", "kind", "code", "label", "answer_class", "question"])
        for q in qs:
            for c in q.codes:
                w.writerow([q.qid, q.section, q.kind, c.code, c.label, c.answer_class, q.text])
    elif fmt == "table":
        typer.echo(f"codebook {cb.version}: {len(cb)} questions in {len(cb.sections())} sections (from {cb.source})")
        section = None
        for q in qs:
            if q.section != section:
                section = q.section
                typer.echo(f"\n{q.section}. {q.section_title}")
            flags = [q.kind] + (["asks about issues"] if q.asks_about_issues else []) + (
                [f"follows {q.conditional_on}"] if q.conditional_on else [])
            typer.echo(f"  {q.qid:<5} {q.text}  [{', '.join(flags)}]")
            if q.note:
                typer.echo(f"        note: {q.note}")
            typer.echo("        " + "  ".join(f"{c.code}={c.label} ({c.answer_class or '-'})" for c in q.codes))
    else:
        raise typer.BadParameter("must be table, json or csv", param_hint="--format")


@app.command("build")
def build(
    source: Annotated[Optional[Path], typer.Argument(help="A return in the stocktake layout (xlsx or text dump). "
                                                     "Default: the shipped Leicestershire return.")] = None,
    out: Annotated[Path, typer.Option(help="Where to write it (the one wvtext reads: --out corpus/codebook.json "
                                           "in the checkout).")] = Path("codebook.json"),
) -> None:
    """Parse the codebook (question texts, schemes, answer classes) from a real return.

    Writes codebook.json in the working folder unless --out says otherwise."""
    from ..codebook import build_codebook, write_codebook
    from ..paths import corpus_dir

    source = source or corpus_dir() / "returns" / "leicestershire_2013_stocktake.txt"
    data = build_codebook(source)
    write_codebook(data, out)
    typer.echo(f"wrote {out}: {len(data['questions'])} questions, version {data['version']}", err=True)
