"""project.qdpx: the analysis as a REFI-QDA project, to open in NVivo, MAXQDA, ATLAS.ti or QualCoder.

An analyst who tags themes by hand can start from what wvtext found instead of from nothing,
and see each finding in its place in the text:

- one text source per return (its answers in question order: the question, the code, the
  narrative) and one per good-practice item (title and description);
- the 23 themes as codes (the same GUIDs as themes.qdc), and wvtext's other findings as codes
  under "wvtext findings": divergent (one child per type), support request, good-practice
  candidate;
- a coded selection for each sentence that is evidence of a carried theme (its description
  names the matched terms, and says when a mention is negated), for each divergent answer's
  evidence sentence, each support request and each good-practice candidate;
- a case per return with its region, divergence rate and out-of-step score as variables, and a
  set per region.

It follows the run as the reports show it: the analysts' review decisions (reviews.csv) are
applied, so a dismissed theme or flag is not coded and one added in review codes the whole
narrative. Positions count characters of the source text, as the standard has it. GUIDs are
uuid5 of what they name and the archive is dated as the workbook is (`export.zip_member`), so
the same analysis gives the same file. `validate_qde` checks project.qde against the shipped
`Project.xsd`.
"""
from __future__ import annotations

import re
import uuid
import zipfile
from collections import Counter, defaultdict
from itertools import chain
from typing import Iterator
from pathlib import Path

from lxml import etree as ET

from .. import __version__
from ..divergence import DIVERGENCE_TYPES
from ..export import zip_member
from ..pipeline import item_text
from ..review import negation_reading
from ..themes.lexicon import THEME_NAMES, THEMES
from .data import RunData, code_numbers, split_themes
from .qdc import _COLORS, theme_descriptions, theme_guid

__all__ = ["QDE_NS", "PROJECT_XSD", "finding_codes", "source_names", "write_qdpx", "validate_qde"]

QDE_NS = "urn:QDA-XML:project:1.0"
PROJECT_XSD = Path(__file__).with_name("Project.xsd")
_NS = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/wvtext/qdpx")
_FINDINGS = ("support request", "good-practice candidate")


def finding_codes() -> dict[str, tuple[str, str]]:
    """wvtext's findings as the project codes them: ("divergence:TYPE", "support_request",
    "good_practice") -> (code GUID, code name); `review import` reads them back by either."""
    codes = {f"divergence:{k}": (_guid("code", "divergent", k), f"divergent: {k}") for k in DIVERGENCE_TYPES}
    return codes | {key: (_guid("code", name), name) for key, name in zip(("support_request", "good_practice"), _FINDINGS)}
_VARIABLES = (("region", "Text"), ("divergence_rate", "Float"), ("out_of_step_score", "Float"),
              ("out_of_step", "Boolean"), ("synthetic", "Boolean"))


def _guid(*key: str) -> str:
    return str(uuid.uuid5(_NS, "\x1f".join(key))).upper()


# Characters XML 1.0 cannot hold (C0 controls but tab, newline, carriage return; lone surrogates;
# U+FFFE, U+FFFF): a narrative or a name may carry them, the project document may not.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _attrs(attrs: dict | None) -> dict[str, str]:
    return {k: _NOT_XML.sub(" ", str(v)) for k, v in (attrs or {}).items()}


def _el(parent, tag: str, attrs: dict | None = None, text: str | None = None):
    e = ET.SubElement(parent, f"{{{QDE_NS}}}{tag}", _attrs(attrs))
    if text is not None:
        e.text = _NOT_XML.sub(" ", text)
    return e


def _source_guid(key: str) -> str:
    return _guid("source", key)


class _Source:
    """One text source: its text, built piece by piece, and its coded selections."""

    def __init__(self, key: str, name: str, description: str):
        self.guid, self.name, self.description = _source_guid(key), name, description
        self.parts: list[str] = []
        self.length = 0
        self.spans: dict[tuple[int, int], dict] = {}  # (start, end) -> {"codes": [...], "notes": [...]}

    def add(self, text: str) -> int:
        """Append text; return where it starts."""
        at = self.length
        self.parts.append(text)
        self.length += len(text)
        return at

    def code(self, start: int, end: int, code_guid: str, note: str) -> None:
        span = self.spans.setdefault((start, end), {"codes": [], "notes": []})
        if code_guid not in span["codes"]:
            span["codes"].append(code_guid)
        if note and note not in span["notes"]:
            span["notes"].append(note)

    @property
    def text(self) -> str:
        return "".join(self.parts)


def _sentence_span(narrative: str, sentence: str, near: int = 0) -> tuple[int, int]:
    """Where `sentence` stands in `narrative` (the occurrence holding position `near`, else the
    first); the whole narrative when it is not there."""
    sentence = (sentence or "").strip()
    if sentence:
        i = narrative.rfind(sentence, 0, near + len(sentence))
        if i < 0:
            i = narrative.find(sentence)
        if i >= 0:
            return i, i + len(sentence)
    return 0, len(narrative)


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _spans(narrative: str, evidence: str) -> list[tuple[int, int]]:
    """Where an evidence text stands in `narrative`: itself, or each of its sentences where it
    joins sentences that are not next to each other; the whole narrative when none is there."""
    whole = _sentence_span(narrative, evidence)
    if whole != (0, len(narrative)) or not evidence:
        return [whole]
    parts = [_sentence_span(narrative, p) for p in _SENTENCE_END.split(evidence.strip()) if p.strip()]
    found = [p for p in parts if p != (0, len(narrative))]
    return found or [whole]


def _code_themes(src: _Source, at: int, text: str, rows: list[dict], carried: set[str], added: dict[str, str],
                 theme_codes: dict, *, have_evidence: bool) -> None:
    """Code the sentence of each evidence row of a carried theme (one dismissed in review is not);
    a carried theme with no evidence row codes the whole text, saying why. `text` stands at `at`.
    `added`: the themes an analyst added or confirmed, each with its decision's value (whether the
    text only denies it, where they said), which the codings of that theme name."""
    found = set()

    def reviewed(theme: str) -> str:
        reading = negation_reading(added.get(theme, ""))
        return f"; in review: {reading}" if reading else ""

    for e in rows:
        theme = e.get("theme", "")
        if theme not in carried or theme not in theme_codes:
            continue
        found.add(theme)
        s, t = _sentence_span(text, e.get("sentence", ""), int(e.get("start_char") or 0))
        src.code(at + s, at + t, theme_codes[theme], f"{THEME_NAMES.get(theme, theme)}: '{e.get('matched') or e.get('term', '')}'"
                 + (" (negated)" if str(e.get("negated", "0")) == "1" else "") + reviewed(theme))
    for theme in sorted(carried - found, key=lambda t: THEMES.index(t) if t in THEMES else len(THEMES)):
        if theme in theme_codes:
            why = ("added in review" if theme in added else
                   "carried; no evidence sentence" + ("" if have_evidence else " (no theme_evidence.csv in this folder)"))
            src.code(at, at + len(text), theme_codes[theme], f"{THEME_NAMES[theme]}: {why}{reviewed(theme)}")


def _added_in_review(d: RunData) -> dict:
    """(return id, qid) or item id -> {theme: the decision's value} for the themes an analyst added
    or confirmed in review (the value says whether the text only denies it, `review.THEME_NEGATION`,
    or is empty)."""
    added = defaultdict(dict)
    for r in d.reviews or []:
        if r.get("kind") == "theme" and r.get("decision") in ("add", "confirm") and r.get("theme"):
            key = r["item_id"] if r.get("item_id") else (r.get("return_id") or r.get("locality", ""), r.get("qid", ""))
            added[key][r["theme"]] = r.get("value", "") or ""
    return added


def _code_text(d: RunData, a: dict) -> str:
    q = d.codebook.get(a.get("qid", ""))
    code = (a.get("code") or "").strip()
    if not code:
        return "blank (no response)"
    labels = [c.label for n in code_numbers(code) if q and (c := q.code(n)) is not None]
    return f"{code} ({'; '.join(labels)})" if labels else f"{code} (not in the question's scheme)"


def source_names(returns: list[tuple[str, str, bool]]) -> dict[str, str]:
    """A source name per return (return id, locality, synthetic): its locality, marked SYNTHETIC,
    with the return id where two share it; `review import` finds returns by these names too."""
    names = {rid: locality + (" (SYNTHETIC)" if synthetic else "") for rid, locality, synthetic in returns}
    taken = Counter(names.values())
    return {rid: name + (f" [{rid}]" if taken[name] > 1 else "") for rid, name in names.items()}


def _return_sources(d: RunData, names: dict[str, str], theme_codes: dict, flag_codes: dict) -> Iterator[_Source]:
    """One source per return, made one at a time (a national corpus's codings are not all held at once)."""
    added = _added_in_review(d)
    evidence = defaultdict(list)
    for e in d.evidence or []:
        if e.get("object") == "answer" and str(e.get("carried", "1")) == "1":
            evidence[(e.get("return_id", ""), e.get("qid", ""))].append(e)
    support = defaultdict(list)
    for s in d.support_rows() or []:
        support[(s.get("return_id") or s.get("locality", ""), s.get("qid", ""))].append(s.get("sentence", ""))
    practice = defaultdict(list)
    for g in d.good_practice_rows() or []:
        practice[(g.get("return_id") or g.get("locality", ""), g.get("qid", ""))].append(g.get("evidence") or g.get("text", ""))
    order = {q.qid: i for i, q in enumerate(d.codebook)}
    for rid in d.return_ids:
        r = d.return_by_id.get(rid) or {}
        answers = sorted(d.answers_by_return.get(rid, []), key=lambda a: (order.get(a.get("qid", ""), len(order)), a.get("qid", "")))
        src = _Source(f"return:{rid}", names[rid],
                      f"Stocktake return of {d.name_of(rid)} ({d.region_of(rid) or 'region unknown'}), {len(answers)} "
                      f"answers, as analysed by wvtext {__version__}" + (" (SYNTHETIC)" if d.is_synthetic(rid) else "")
                      + (f"; read from {r['source_file']}" if r.get("source_file") else "") + ".")
        src.add(f"{d.name_of(rid)}: Winterbourne View stocktake return\n\n")
        for a in answers:
            qid, narrative = a.get("qid", ""), a.get("narrative", "") or ""
            q = d.codebook.get(qid)
            src.add(f"{qid} {q.text if q else ''}".rstrip() + f"\nCode: {_code_text(d, a)}\n")
            at = src.add(narrative)
            src.add("\n\n")
            if not narrative:
                continue
            _code_themes(src, at, narrative, evidence.get((rid, qid), []), set(split_themes(a.get("themes", ""))),
                         added.get((rid, qid), {}), theme_codes, have_evidence=d.evidence is not None)
            kind = a.get("divergence_type", "") or ""
            if str(a.get("divergent", "0")) == "1" and kind in flag_codes:
                for s, t in _spans(narrative, a.get("evidence", "")):
                    src.code(at + s, at + t, flag_codes[kind],
                             f"divergent ({kind}): code {a.get('code_class') or a.get('code') or 'blank'}, "
                             f"narrative {a.get('text_class', '')}, "
                             + ("added in review" if a.get("flag_review") == "added" else
                                f"score {a.get('divergence_score', '')}"
                                + (f", {a['flag_review']}" if a.get("flag_review") else "")))
            for finding, rows in (("support request", support), ("good-practice candidate", practice)):
                for sentence in rows.get((rid, qid), []):
                    for s, t in _spans(narrative, sentence):
                        src.code(at + s, at + t, flag_codes[finding], finding)
        yield src


def _item_sources(d: RunData, theme_codes: dict) -> list[_Source]:
    added = _added_in_review(d)
    evidence = defaultdict(list)
    for e in d.evidence or []:
        if e.get("object") == "item" and str(e.get("carried", "1")) == "1":
            evidence[e.get("item_id", "")].append(e)
    sources = []
    for item in sorted(d.item_themes or [], key=lambda i: i.get("item_id", "")):
        iid, text = item.get("item_id", ""), item_text(item)
        if not iid or not text:
            continue
        synthetic = str(item.get("synthetic", "")).strip() == "1"
        src = _Source(f"item:{iid}", f"{iid}: {item.get('title', '')}".strip().rstrip(":")[:186]
                      + (" (SYNTHETIC)" if synthetic else ""),
                      ("SYNTHETIC (generated, not real practice) good-practice item" if synthetic else "Good-practice item")
                      + f" {iid}" + (f" ({item['locality']})" if item.get("locality") else "")
                      + (f", from {item['source']}" if item.get("source") else "") + ".")
        _code_themes(src, src.add(text), text, evidence.get(iid, []), set(split_themes(item.get("themes", ""))),
                     added.get(iid, {}), theme_codes, have_evidence=d.evidence is not None)
        sources.append(src)
    return sources


def _codebook(book) -> tuple[dict, dict]:
    codes = _el(book, "Codes")
    theme_codes = {}
    for i, t in enumerate(theme_descriptions()):
        theme_codes[t["id"]] = theme_guid(t["id"])
        c = _el(codes, "Code", {"guid": theme_codes[t["id"]], "name": t["name"], "isCodable": "true",
                                "color": _COLORS[i % len(_COLORS)]})
        _el(c, "Description", text=f"{t['covers'][:1].upper()}{t['covers'][1:]}. (wvtext theme id: {t['id']})")
    findings = _el(codes, "Code", {"guid": _guid("code", "findings"), "name": "wvtext findings", "isCodable": "false"})
    _el(findings, "Description", text="What wvtext found besides themes (outputs.md): divergent answers, support requests "
                                 "and good-practice candidates.")
    flag_codes = {}
    divergent = _el(findings, "Code", {"guid": _guid("code", "divergent"), "name": "divergent", "isCodable": "false"})
    _el(divergent, "Description", text="The answer's code and narrative disagree enough to flag for an adviser; the "
                                  "selection is the sentence that decided it.")
    for key, (guid, name) in finding_codes().items():
        kind = key.partition("divergence:")[2]  # "" for a finding that is no divergence
        flag_codes[kind or name] = guid
        _el(divergent if kind else findings, "Code", {"guid": guid, "name": name, "isCodable": "true"})
    return theme_codes, flag_codes


def _root(tag: str, attrs: dict | None = None):
    """An element written on its own into the project document (so it declares the namespace)."""
    return ET.Element(f"{{{QDE_NS}}}{tag}", _attrs(attrs),
                      nsmap={None: QDE_NS})


def _cases(d: RunData, names: dict[str, str], var_guid: dict[str, str]):
    cases = _root("Cases")
    for rid in d.return_ids:
        r = d.return_by_id.get(rid) or {}
        case = _el(cases, "Case", {"guid": _guid("case", rid), "name": names[rid]})
        values = {"region": ("TextValue", d.region_of(rid) or "unknown"),
                  "synthetic": ("BooleanValue", "true" if d.is_synthetic(rid) else "false")}
        for name in ("divergence_rate", "out_of_step_score"):
            if str(r.get(name, "")).strip():
                values[name] = ("FloatValue", str(r[name]).strip())
        if str(r.get("out_of_step", "")).strip() in ("0", "1"):
            values["out_of_step"] = ("BooleanValue", "true" if str(r["out_of_step"]).strip() == "1" else "false")
        for name, _ in _VARIABLES:
            if name in values:
                vv = _el(case, "VariableValue")
                _el(vv, "VariableRef", {"targetGUID": var_guid[name]})
                _el(vv, values[name][0], text=values[name][1])
        _el(case, "SourceRef", {"targetGUID": _source_guid(f"return:{rid}")})
    return cases


def _text_source(src: _Source, user: str):
    node = _root("TextSource", {"guid": src.guid, "name": src.name, "plainTextPath": f"internal://{src.guid}.txt"})
    _el(node, "Description", text=src.description)
    for (start, end), span in sorted(src.spans.items()):
        sel = _el(node, "PlainTextSelection", {
            "guid": _guid("selection", src.guid, str(start), str(end)), "name": f"{start}-{end}",
            "startPosition": start, "endPosition": end, "creatingUser": user})
        _el(sel, "Description", text="; ".join(span["notes"]))
        for code in span["codes"]:
            coding = _el(sel, "Coding", {"guid": _guid("coding", src.guid, str(start), str(end), code), "creatingUser": user})
            _el(coding, "CodeRef", {"targetGUID": code})
    return node


def write_qdpx(d: RunData, path: Path) -> dict:
    """Write the project archive to `path` (the caller moves it into place); return counts of what
    is in it. project.qde is written as it is made, one source at a time, so a national corpus's
    tens of thousands of codings are never all held in memory."""
    user = _guid("user", "wvtext")
    names = source_names([(rid, d.name_of(rid), d.is_synthetic(rid)) for rid in d.return_ids])
    book = _root("CodeBook")
    theme_codes, flag_codes = _codebook(book)
    users = _root("Users")
    _el(users, "User", {"guid": user, "name": "wvtext"})
    variables = _root("Variables")
    var_guid = {name: _guid("variable", name) for name, _ in _VARIABLES}
    for name, kind in _VARIABLES:
        _el(variables, "Variable", {"guid": var_guid[name], "name": name, "typeOfVariable": kind})
    items = list(_item_sources(d, theme_codes))
    texts: dict[str, str] = {}
    counts = {"returns": len(d.return_ids), "items": len(items), "selections": 0}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        with z.open(zip_member("project.qde"), "w") as fh:
            fh.write(b'<?xml version="1.0" encoding="utf-8"?>\n')
            with ET.xmlfile(fh, encoding="utf-8") as xf:
                with xf.element(f"{{{QDE_NS}}}Project", {"name": "wvtext analysis", "origin": f"wvtext {__version__}",
                                                         "creatingUserGUID": user}, nsmap={None: QDE_NS}):
                    for part in (users, book, variables) + ((_cases(d, names, var_guid),) if d.return_ids else ()):
                        xf.write(part, pretty_print=True)
                    if d.return_ids or items:
                        with xf.element(f"{{{QDE_NS}}}Sources"):
                            for src in chain(_return_sources(d, names, theme_codes, flag_codes), items):
                                xf.write(_text_source(src, user), pretty_print=True)
                                texts[f"Sources/{src.guid}.txt"] = src.text
                                counts["selections"] += len(src.spans)
                    groups = defaultdict(list)
                    for rid in d.return_ids:
                        groups[f"region: {d.region_of(rid) or 'unknown'}"].append(_source_guid(f"return:{rid}"))
                    if items:
                        groups["good-practice items"] = [s.guid for s in items]
                    if groups:
                        sets = _root("Sets")
                        for name in sorted(groups):
                            member = _el(sets, "Set", {"guid": _guid("set", name), "name": name})
                            for g in groups[name]:
                                _el(member, "MemberSource", {"targetGUID": g})
                        xf.write(sets, pretty_print=True)
                    m = d.manifest
                    description = _root("Description")
                    description.text = (f"Themes, divergence, support requests and good-practice candidates found by wvtext "
                                        f"{__version__} (codebook {m.get('codebook_version', 'unknown')}, lexicon "
                                        f"{m.get('lexicon_version', 'unknown')}) for {counts['returns']} returns and "
                                        f"{counts['items']} items.")
                    xf.write(description, pretty_print=True)
        for name, text in texts.items():
            z.writestr(zip_member(name), text.encode("utf-8"))
    return counts


def validate_qde(data: bytes, *, xsd: Path = PROJECT_XSD) -> list[str]:
    """Problems found in a project.qde against the shipped schema, and references that point at
    nothing (which the schema cannot express); [] when it is valid."""
    schema = ET.XMLSchema(ET.parse(str(xsd)))
    try:
        doc = ET.fromstring(data)
    except ET.XMLSyntaxError as exc:
        return [f"not well-formed XML: {exc}"]
    errors = [] if schema.validate(doc) else [f"line {e.line}: {e.message}" for e in schema.error_log]
    guids: Counter = Counter()
    refs = set()
    for el in doc.iter():
        if el.get("guid"):
            guids[el.get("guid")] += 1
        refs.update(el.get(a) for a in ("targetGUID", "creatingUser", "creatingUserGUID") if el.get(a))
    dup = sorted(g for g, n in guids.items() if n > 1)
    if dup:
        errors.append(f"duplicate guid(s): {', '.join(dup[:5])}")
    dangling = sorted(refs - set(guids))
    if dangling:
        errors.append(f"reference(s) to no element: {', '.join(dangling[:5])}")
    return errors
