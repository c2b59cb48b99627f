"""Theme decisions from a REFI-QDA project an analyst coded: the way back from NVivo, MAXQDA,
ATLAS.ti or QualCoder into the review loop.

`wvtext analyse` writes project.qdpx with wvtext's themes coded on the returns and items
(`report/qdpx.py`). An analyst codes on in a QDA tool (deletes codings they disagree with, adds
their own) and exports the project again as .qdpx. This reads that export and turns the
difference into review decisions (`review.check_decision`): a theme the analyst coded on an
answer or item where wvtext carried none is `add`; a theme wvtext carried there and the analyst
no longer codes is `dismiss`. wvtext's findings on answers (its "divergent: TYPE", "support
request" and "good-practice candidate" codes) likewise: one removed is `dismiss`, one added is
`confirm` (a divergent code of another type confirms that type). "Carried" and "found" mean as
the latest review decisions left them, which is what the project codes: a theme or flag added in
review and uncoded by the analyst is dismissed. `wvtext train --reviews` then learns from them,
and the reports apply them.

How the export is read, so that other tools' exports work:
- a theme code is known by its GUID (themes.qdc's, kept by tools that import the codebook) or
  by its name (the theme's name or id), a finding's by the GUID or name project.qdpx gives it;
  the analyst's own codes are left alone;
- a source is a return or an item by its GUID (as wvtext wrote it) or its name (the return's
  locality, or "ITEM_ID: title"); a source it cannot place is reported, not guessed. A source
  is compared only when it holds the text of what it names (every narrative of the return, the
  item's text) and is SYNTHETIC when that is: a project written from another database, or a
  real return's source where the database has a SYNTHETIC return of that locality, decides nothing;
- a selection belongs to the answer whose narrative it overlaps most: each narrative is found
  in the source's text in question order, right after its question's line and its "Code:" line
  (a short narrative, "No.", is also in many a question or code line), so positions shifted by
  a tool (line endings, a heading) do not matter;
- a theme or finding whose code is not in the project (renamed with a new GUID, or deleted) is
  not compared, so its codings are not read as the analyst uncoding it everywhere; the missing
  codes and the codings that point at no code are reported;
- only sources present in the export are compared, so an analyst who worked on three returns
  decides nothing about the others.
"""
from __future__ import annotations

import re
import zipfile
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .errors import WvtextError

__all__ = ["QdpxDecisions", "decisions_from_qdpx"]

_NS = "{urn:QDA-XML:project:1.0}"


@dataclass
class QdpxDecisions:
    decisions: list[dict] = field(default_factory=list)  # record_decision keyword arguments
    returns: int = 0
    items: int = 0
    unplaced: list[str] = field(default_factory=list)  # names of sources that are no return or item
    unplaced_selections: int = 0  # coded selections in a return outside every narrative
    no_text: list[str] = field(default_factory=list)  # sources whose text the archive does not hold
    # sources that name a return or item whose narratives (text) they do not hold: another database's
    mismatched: list[str] = field(default_factory=list)
    missing_codes: list[str] = field(default_factory=list)  # names of wvtext's codes not in the project
    dangling: int = 0  # codings whose CodeRef names no code of the project
    # codes of the analyst's own (neither a theme nor one of wvtext's findings) that code something:
    # their codings are not read
    foreign_codes: list[str] = field(default_factory=list)


def _guid(value: str | None) -> str:
    return (value or "").strip("{}").upper()


def _read(path: Path):
    """The project document and each TextSource with its text (None where the archive does not
    hold it)."""
    from lxml import etree

    if not path.exists():
        raise WvtextError(f"{path}: no such file.", remedy="Give the path of the .qdpx the QDA tool exported.")
    if path.is_dir():
        raise WvtextError(f"{path}: is a folder, not a REFI-QDA project (.qdpx).",
                          remedy="Give the path of the .qdpx the QDA tool exported.")
    try:
        z = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise WvtextError(f"{path}: is not a REFI-QDA project archive ({exc}).",
                          remedy="Export the project from the QDA tool as REFI-QDA project (.qdpx).")

    def member(name: str) -> bytes:
        try:
            return z.read(name)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError) as exc:
            raise WvtextError(f"{path}: its member {name} cannot be read, the archive is damaged ({exc}).",
                              remedy="Export the project from the QDA tool again.")

    with z:
        names = {n.lower(): n for n in z.namelist()}
        qde = next((names[n] for n in names if PurePosixPath(n).suffix == ".qde"), None)
        if qde is None:
            raise WvtextError(f"{path}: holds no project.qde, so it is not a REFI-QDA project.",
                              remedy="Export the project from the QDA tool as REFI-QDA project (.qdpx).")
        try:
            doc = etree.fromstring(member(qde))
        except etree.XMLSyntaxError as exc:
            raise WvtextError(f"{path}: its {qde} is not well-formed XML ({exc}).")
        by_base = {PurePosixPath(n).name.lower(): n for n in z.namelist()}
        sources = []  # (TextSource element, its text or None)
        for src in doc.iter(f"{_NS}TextSource"):
            inline = src.findtext(f"{_NS}PlainTextContent")
            ref = re.sub(r"^internal://", "", src.get("plainTextPath") or "", flags=re.I)
            at = by_base.get(PurePosixPath(ref).name.lower()) if ref else None
            sources.append((src, inline if inline is not None else (
                member(at).decode("utf-8-sig", errors="replace") if at else None)))
    return doc, sources


def _positions(path: Path, src, sel) -> tuple[int, int]:
    """A selection's start and end; an error naming the file, source and selection otherwise."""
    try:
        return int(sel.get("startPosition")), int(sel.get("endPosition"))
    except (TypeError, ValueError):
        raise WvtextError(f"{path}: selection {sel.get('guid') or sel.get('name') or '?'} of source "
                          f"{src.get('name') or src.get('guid') or '?'!r} has startPosition "
                          f"{sel.get('startPosition')!r} and endPosition {sel.get('endPosition')!r}; both must be "
                          "whole numbers.", remedy="Export the project from the QDA tool again.")


def _theme_codes(doc) -> dict[str, str]:
    """Code GUID -> theme id, for the codes that are themes."""
    from .report.qdc import theme_guid
    from .themes.lexicon import THEME_NAMES, THEMES

    by_guid = {theme_guid(t): t for t in THEMES}
    by_name = {n.lower(): t for t, n in THEME_NAMES.items()} | {t: t for t in THEMES}
    out = {}
    for code in doc.iter(f"{_NS}Code"):
        theme = by_guid.get(_guid(code.get("guid"))) or by_name.get((code.get("name") or "").strip().lower())
        if theme:
            out[_guid(code.get("guid"))] = theme
    return out


def _finding_codes(doc) -> dict[str, str]:
    """Code GUID -> wvtext finding ("divergence:TYPE", "support_request", "good_practice"), by the
    GUIDs and names project.qdpx gives them (`report.qdpx.finding_codes`)."""
    from .report.qdpx import finding_codes

    known = finding_codes()
    by_guid = {g: f for f, (g, _) in known.items()}
    by_name = {n: f for f, (_, n) in known.items()}
    return {_guid(c.get("guid")): f for c in doc.iter(f"{_NS}Code")
            if (f := by_guid.get(_guid(c.get("guid"))) or by_name.get((c.get("name") or "").strip().lower()))}


def _coded(node, codes: dict[str, str]) -> set[str]:
    return {codes[g] for c in node.findall(f"{_NS}Coding")
            if (g := _guid(c.find(f"{_NS}CodeRef").get("targetGUID") if c.find(f"{_NS}CodeRef") is not None else ""))
            in codes}


def _place(names: dict, guid_of: dict, item_ids: set[str], src) -> tuple[str, str] | None:
    """("return", return id) or ("item", item id) for a source, or None."""
    hit = guid_of.get(_guid(src.get("guid")))
    if hit:
        return hit
    name = (src.get("name") or "").strip()
    if name.lower() in names:
        return "return", names[name.lower()]
    # an item's source is named "ITEM_ID: title" (" (SYNTHETIC)" after it), and an id may itself
    # hold ": ": the longest id the name starts with
    iid = max((i for i in item_ids if name == i or name.startswith((f"{i}:", f"{i} (SYNTHETIC)"))), key=len, default="")
    return ("item", iid) if iid else None


def _narrative_spans(text: str, answers: list[dict]) -> list[tuple[int, int, str]]:
    """(start, end, qid) of each answer's narrative (answers in question order) where its return's
    source text holds it: right after its question's line and its "Code:" line, as project.qdpx
    writes them. A narrative is looked for nowhere else, since a short one ("No.") is also found in
    many a question or code line. Line ends may have become CRLF, and text put before the first
    question (a heading) does no harm."""
    spans, cursor = [], 0
    for a in answers:
        head = re.compile(rf"^{re.escape(a['qid'])}(?:[ \t][^\n]*)?\nCode:[^\n]*\n", re.M).search(text, cursor)
        if head is None:
            continue
        cursor = head.end()
        narrative = a["narrative"] or ""
        found = narrative and re.compile(r"\r?\n".join(map(re.escape, narrative.split("\n")))).match(text, cursor)
        if found:
            spans.append((found.start(), found.end(), a["qid"]))
            cursor = found.end()
    return spans


def _code_names(codes: dict[str, str], findings: dict[str, str]) -> list[str]:
    """The names of wvtext's theme and finding codes the project does not have."""
    from .report.qdpx import finding_codes
    from .themes.lexicon import THEME_NAMES, THEMES

    return ([THEME_NAMES[t] for t in THEMES if t not in set(codes.values())]
            + [name for f, (_, name) in finding_codes().items() if f not in set(findings.values())])


def decisions_from_qdpx(store, path: Path) -> QdpxDecisions:
    """The decisions an analyst's coded .qdpx implies against what the store holds."""
    from .codebook import load_codebook
    from .pipeline import item_text
    from .report.qdpx import _source_guid, source_names
    from .review import decision_map

    path = Path(path)
    doc, sources = _read(path)
    codes, findings = _theme_codes(doc), _finding_codes(doc)
    if not codes:
        raise WvtextError(f"{path}: has no theme codes (none with the GUID or the name of one of the 23 themes).",
                          remedy="Code with the themes of the project.qdpx (or themes.qdc) wvtext wrote.")
    out = QdpxDecisions()
    # A theme or finding whose code is not in the project (renamed with a new GUID, or deleted) is
    # not compared: its codings are not the analyst uncoding it everywhere.
    out.missing_codes = _code_names(codes, findings)
    themes_coded, findings_coded = set(codes.values()), set(findings.values())
    known = {_guid(c.get("guid")) for c in doc.iter(f"{_NS}Code")}
    out.dangling = sum(_guid(r.get("targetGUID")) not in known for r in doc.iter(f"{_NS}CodeRef"))
    used = {_guid(r.get("targetGUID")) for r in doc.iter(f"{_NS}CodeRef")}
    out.foreign_codes = sorted({c.get("name") or _guid(c.get("guid")) for c in doc.iter(f"{_NS}Code")
                                if _guid(c.get("guid")) in used and _guid(c.get("guid")) not in codes
                                and _guid(c.get("guid")) not in findings})
    returns = store.returns()
    returns_by_id = {r["return_id"]: r for r in returns}
    # The names project.qdpx gives, then a bare locality (a renamed source) where one real return has it:
    # a real return's source is never taken for a SYNTHETIC one, nor for one of two of its locality.
    names = {n.lower(): rid for rid, n in source_names(
        [(r["return_id"], r["locality"], bool(r.get("synthetic"))) for r in returns]).items()}
    real = Counter(r["locality"].lower() for r in returns if not r.get("synthetic"))
    for r in returns:
        if not r.get("synthetic") and real[r["locality"].lower()] == 1:
            names.setdefault(r["locality"].lower(), r["return_id"])
    items = {i["item_id"]: i for i in store.items()}
    guid_of = {_source_guid(f"return:{r['return_id']}"): ("return", r["return_id"]) for r in returns}
    guid_of |= {_source_guid(f"item:{iid}"): ("item", iid) for iid in items}
    latest = decision_map(store)
    themes_decided = _theme_decisions(latest)
    codebook = load_codebook()

    def decide(theme: str, decision: str, *, return_id: str = "", qid: str = "", item_id: str = "",
               kind: str = "theme", value: str = "") -> None:
        before = latest.get((kind, return_id, qid, item_id, theme), {})
        if (before.get("decision"), before.get("value") or "") != (decision, value):  # already decided so: nothing new
            out.decisions.append({"kind": kind, "return_id": return_id, "qid": qid, "item_id": item_id,
                                  "theme": theme, "decision": decision, **({"value": value} if value else {})})

    def compare_themes(analyst: set[str], carried: set[str], decided: list, **where) -> None:
        # compared with the answer or item as review left it (the project codes that), not as
        # analysed: a theme added in review and uncoded by the analyst is dismissed
        reviewed = _as_reviewed(carried, decided) & themes_coded
        for theme in sorted(analyst - reviewed):
            decide(theme, "confirm" if theme in carried else "add", **where)
        for theme in sorted(reviewed - analyst):
            decide(theme, "dismiss", **where)

    for src, text in sources:
        name = src.get("name") or src.get("guid") or "?"
        where = _place(names, guid_of, set(items), src)
        if where is None:
            out.unplaced.append(name)
            continue
        if text is None:
            out.no_text.append(name)
            continue
        kind, key = where
        marked = "SYNTHETIC" in name + (src.findtext(f"{_NS}Description") or "")  # as project.qdpx marks one
        if marked != bool((returns_by_id.get(key) if kind == "return" else items[key]).get("synthetic")):
            out.mismatched.append(f"{name} (a {'SYNTHETIC' if marked else 'real'} {kind}'s source, but {kind} {key} "
                                  f"is {'real' if marked else 'SYNTHETIC'} here)")
            continue
        selections = [(*_positions(path, src, s), _coded(s, codes), _coded(s, findings))
                      for s in src.iter(f"{_NS}PlainTextSelection")]
        if kind == "item":
            if item_text(items[key]) not in text.replace("\r\n", "\n"):
                out.mismatched.append(f"{name} (its text is not item {key}'s)")
                continue
            out.items += 1
            carried = {t["theme"] for t in store.item_themes([key]) if t["carried"]}
            compare_themes(_coded(src, codes).union(*[c for _, _, c, _ in selections]), carried,
                           themes_decided.get(("item", key), []), item_id=key)
            continue
        answers = sorted(store.answers([key]), key=lambda a: codebook.position(a["qid"]))
        spans = _narrative_spans(text, answers)
        said = [a["qid"] for a in answers if a["narrative"]]
        if len(spans) < len(said):
            lost = sorted(set(said) - {q for _, _, q in spans}, key=codebook.position)
            out.mismatched.append(f"{name} ({len(lost)} of the {len(said)} narratives of return {key} are not in "
                                  f"its text, e.g. {lost[0]})")
            continue
        out.returns += 1
        analyst, found = defaultdict(set), defaultdict(set)
        for start, end, themes, flags in selections:
            if not themes and not flags:
                continue
            best = max(spans, key=lambda s: min(end, s[1]) - max(start, s[0]), default=None)
            if best is None or min(end, best[1]) - max(start, best[0]) <= 0:
                out.unplaced_selections += 1
                continue
            analyst[best[2]] |= themes
            found[best[2]] |= flags
        carried = defaultdict(set)
        for t in store.answer_themes([key]):
            if t["carried"]:
                carried[t["qid"]].add(t["theme"])
        wvtext = _findings(store, key)
        for _, _, qid in spans:
            compare_themes(analyst[qid], carried[qid], themes_decided.get((key, qid), []), return_id=key, qid=qid)
            had = _findings_as_reviewed(wvtext[qid], latest, key, qid) & findings_coded
            now = found[qid]
            for kind in ("support_request", "good_practice"):
                if (kind in had) != (kind in now):
                    decide("", "confirm" if kind in now else "dismiss", return_id=key, qid=qid, kind=kind)
            flagged = next((f for f in had if f.startswith("divergence:")), None)
            coded = sorted(f for f in now if f.startswith("divergence:"))
            if flagged and not coded:
                decide("", "dismiss", return_id=key, qid=qid, kind="divergence")
            elif coded and flagged not in coded:  # a flag wvtext missed, or another type
                decide("", "confirm", return_id=key, qid=qid, kind="divergence", value=coded[0].split(":", 1)[1])
    return out


def _theme_decisions(latest: dict) -> dict[tuple, list[tuple[str, str]]]:
    """The latest theme decisions by what they are about: (return id, qid) for an answer,
    ("item", item id) for an item; each (theme, decision)."""
    out: dict[tuple, list[tuple[str, str]]] = defaultdict(list)
    for (kind, rid, q, item, theme), d in latest.items():
        if kind == "theme" and theme:
            out[("item", item) if item else (rid, q)].append((theme, d["decision"]))
    return out


def _as_reviewed(carried: set[str], decisions: list[tuple[str, str]]) -> set[str]:
    """An answer's or item's themes as its latest review decisions left them, as the reports and
    the project show them."""
    out = set(carried)
    for theme, decision in decisions:
        (out.discard if decision == "dismiss" else out.add)(theme)
    return out


def _findings_as_reviewed(found: set[str], latest: dict, return_id: str, qid: str) -> set[str]:
    """An answer's findings (`_findings`) as the latest review decisions left them."""
    from .divergence import reviewed_flag

    out = {f for f in found if not f.startswith("divergence:")}
    was = next((f.split(":", 1)[1] for f in found if f.startswith("divergence:")), "")
    flag, kind = reviewed_flag(bool(was), was, latest.get(("divergence", return_id, qid, "", "")))
    if flag and kind:
        out.add(f"divergence:{kind}")
    for k in ("support_request", "good_practice"):
        d = latest.get((k, return_id, qid, "", ""))
        if d:
            (out.add if d["decision"] == "confirm" else out.discard)(k)
    return out


def _findings(store, return_id: str) -> dict[str, set[str]]:
    """qid -> what wvtext found on the answer, as `_finding_codes` names it."""
    out = defaultdict(set)
    for a in store.answer_analysis([return_id]):
        if a["divergent"] and a["divergence_type"]:
            out[a["qid"]].add(f"divergence:{a['divergence_type']}")
    for r in store.support_requests([return_id]):
        out[r["qid"]].add("support_request")
    for g in store.good_practice([return_id]):
        if g["is_candidate"]:
            out[g["qid"]].add("good_practice")
    return out
