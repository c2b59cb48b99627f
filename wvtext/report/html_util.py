"""Small helpers for writing plain, escaped, self-contained HTML.

Every value is escaped unless it is a `Safe` string made by these helpers, so text from
the returns (narratives, locality names, file names) can never become markup.
"""
from __future__ import annotations

import html
import re
from typing import Iterable, Sequence

__all__ = ["Safe", "esc", "join", "el", "table", "page", "pct", "count_pct", "badge", "CSS"]


class Safe(str):
    """Markup that has been built by these helpers (everything inside escaped)."""


def esc(value) -> Safe:
    if isinstance(value, Safe):
        return value
    return Safe(html.escape("" if value is None else str(value), quote=True))


def join(parts: Iterable, sep: str = "") -> Safe:
    return Safe(esc(sep).join([p if isinstance(p, Safe) else esc(p) for p in parts]))


_VOID = {"br", "hr", "img", "col", "meta", "wbr"}
_ATTR = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_-]*$")
_ATTR_NAMES: dict[str, str] = {}  # keyword -> attribute name, once checked


def _attr_name(k: str) -> str:
    name = _ATTR_NAMES.get(k)
    if name is None:
        name = "class" if k == "cls" else k.replace("_", "-")
        if not _ATTR.match(name):
            raise ValueError(f"bad attribute name {name!r}")
        _ATTR_NAMES[k] = name
    return name


def el(name: str, *content, **attrs) -> Safe:
    """<name attrs>content</name>; `cls` stands for class; attribute values are escaped."""
    parts = "".join([f' {_attr_name(k)}="{esc(v)}"' if v is not True else f" {_attr_name(k)}"
                     for k, v in attrs.items() if v is not None and v is not False])
    if name in _VOID:
        return Safe(f"<{name}{parts}>")
    return Safe(f"<{name}{parts}>{join(content)}</{name}>")


def pct(part: float, whole: float, digits: int = 0) -> str:
    if not whole:
        return "-"
    return f"{100.0 * part / whole:.{digits}f}%"


def count_pct(part: int, whole: int) -> Safe:
    if not part:
        return Safe('<span class="zero">0</span>')
    return Safe(f'{part} <small>{esc(pct(part, whole))}</small>')


def badge(text: str, cls: str = "synth") -> Safe:
    return el("span", text, cls=f"badge {cls}")


def table(headers: Sequence, rows: Iterable[Sequence], *, cls: str = "", numeric: Sequence[int] = (),
          widths: dict[int, str] | None = None, row_cls: Sequence[str] | None = None) -> Safe:
    """A table; cells are escaped unless Safe; `numeric` columns are right-aligned."""
    num = set(numeric)
    head = "".join(
        f'<th{" class=num" if i in num else ""}'
        f'{(" style=" + chr(34) + "width:" + esc(widths[i]) + chr(34)) if widths and i in widths else ""}>'
        f"{esc(h)}</th>" for i, h in enumerate(headers))
    body = []
    for n, row in enumerate(rows):
        rc = f' class="{esc(row_cls[n])}"' if row_cls and row_cls[n] else ""
        body.append(f"<tr{rc}>" + "".join(f'<td{" class=num" if i in num else ""}>{esc(c)}</td>'
                                          for i, c in enumerate(row)) + "</tr>")
    return Safe(f'<table class="{esc(cls)}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>')


CSS = """
:root { --ink:#1d2430; --muted:#5b6472; --line:#d8dde4; --bg:#ffffff; --soft:#f5f7fa; --accent:#1f4e79;
        --synth:#b00020; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--ink); font: 14px/1.45 -apple-system, "Segoe UI", Roboto,
       "Helvetica Neue", "DejaVu Sans", Arial, sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 18px 28px 60px; }
h1 { font-size: 24px; margin: 8px 0 4px; color: var(--accent); }
h2 { font-size: 19px; margin: 34px 0 8px; padding-top: 10px; border-top: 2px solid var(--accent);
     color: var(--accent); }
h3 { font-size: 15.5px; margin: 22px 0 6px; }
h4 { font-size: 14px; margin: 14px 0 4px; }
p { margin: 6px 0 10px; }
a { color: #0b5cad; }
small, .muted { color: var(--muted); }
.sub { color: var(--muted); margin: 0 0 12px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 14px; font-size: 12.5px; }
th, td { border: 1px solid var(--line); padding: 4px 6px; vertical-align: top; text-align: left;
         overflow-wrap: break-word; }
th { background: var(--soft); font-weight: 600; }
td.num, th.num { text-align: right; }
td.num { white-space: nowrap; }
td.qid { white-space: nowrap; font-weight: 600; }
td small { color: var(--muted); }
.zero { color: #b8bec7; }
table.compact td, table.compact th { padding: 2px 5px; font-size: 12px; }
table.kv { width: auto; min-width: 50%; }
table.kv th { width: 220px; }
figure { margin: 8px 0 16px; }
figure img { max-width: 100%; height: auto; display: block; border: 1px solid var(--line); }
figcaption { font-size: 12px; color: var(--muted); margin-top: 4px; }
.badge { display: inline-block; font-size: 11px; font-weight: 700; padding: 1px 6px; border-radius: 3px;
         vertical-align: 1px; letter-spacing: .02em; white-space: nowrap; }
.badge.synth { background: var(--synth); color: #fff; }
.badge.flag { background: #fde0dd; color: #8c1d18; border: 1px solid #f4a9a3; }
.badge.ok { background: #e5f5e0; color: #1b5e20; border: 1px solid #a5d6a7; }
.badge.grey { background: #eceff1; color: #37474f; border: 1px solid #cfd8dc; }
.banner { border: 3px solid var(--synth); background: #fff0f1; color: #5c0010; padding: 10px 14px;
          margin: 10px 0 16px; font-size: 15px; }
.banner strong { color: var(--synth); }
.note { background: var(--soft); border-left: 4px solid #9aa5b1; padding: 6px 10px; margin: 8px 0 12px; }
.na { background: #fff8e1; border-left: 4px solid #f0b400; padding: 6px 10px; margin: 8px 0 12px; }
.stats { display: flex; flex-wrap: wrap; gap: 10px; margin: 10px 0 14px; }
.stat { border: 1px solid var(--line); border-radius: 4px; padding: 8px 12px; min-width: 130px; background: #fff; }
.stat b { display: block; font-size: 22px; color: var(--accent); }
.stat span { font-size: 12px; color: var(--muted); }
nav.toc { columns: 2; font-size: 13px; background: var(--soft); padding: 8px 14px 8px 30px; margin: 10px 0; }
nav.toc li { margin: 1px 0; }
.sent { font-weight: 600; margin-top: 3px; }
.q { color: var(--muted); font-size: 12px; }
ul.tight { margin: 4px 0 10px; padding-left: 20px; }
ul.tight li { margin: 2px 0; }
.two { display: grid; grid-template-columns: 1fr 1fr; gap: 0; border: 1px solid var(--line); margin: 0 0 4px; }
.two > div { padding: 6px 10px; }
.two > div + div { border-left: 1px solid var(--line); }
.sec { margin: 0 0 10px; break-inside: avoid; }
.sec h3 { background: var(--accent); color: #fff; margin: 16px 0 0; padding: 5px 10px; font-size: 14.5px; }
.sec .head { display: grid; grid-template-columns: 1fr 1fr; background: var(--soft); font-weight: 600;
             font-size: 12.5px; border: 1px solid var(--line); border-bottom: 0; }
.sec .head > div { padding: 3px 10px; }
.sec ul { margin: 0; padding-left: 18px; }
.sec li { margin: 3px 0 6px; }
.ev { font-style: italic; }
.pt { margin-top: 2px; }
mark { background: #fff1a6; padding: 0 1px; }
table.coding { table-layout: fixed; }
table.coding td { font-size: 12px; }
table.coding .badge { white-space: normal; overflow-wrap: anywhere; margin: 0 0 2px; }
.reason { font-size: 12px; color: #8c1d18; }
.legend span { display: inline-block; margin-right: 12px; font-size: 12px; }
.legend i { display: inline-block; width: 11px; height: 11px; margin-right: 4px; vertical-align: -1px;
            border: 1px solid #999; }
.cols { columns: 3; font-size: 12.5px; }
.cols div { break-inside: avoid; margin-bottom: 8px; }
footer { margin-top: 40px; font-size: 12px; color: var(--muted); border-top: 1px solid var(--line);
         padding-top: 8px; }
@media print { h2 { break-before: auto; } .banner { -webkit-print-color-adjust: exact; } }
"""


def page(title: str, body: Iterable, *, lang: str = "en-GB") -> str:
    """A whole document: no scripts, no external resources (a strict CSP says so to the browser)."""
    csp = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
    return ("<!DOCTYPE html>\n"
            f'<html lang="{esc(lang)}"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{esc(csp)}">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc(title)}</title><style>{CSS}</style></head>\n"
            f"<body><main>\n{join(body, chr(10))}\n</main></body></html>\n")
