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
  locality, or "ITEM_ID: title"); a source it cannot place is reported, not guessed;
- a selection belongs to the answer whose narrative it overlaps most: each narrative is found
  in the source's text in question order, so positions shifted by a tool (line endings, a
  heading) do not matter;
- only sources present in the export are compared, so an analyst who worked on three returns
  decides nothing about the others.
"""
from __future__ import annotations

import re
import zipfile
from collections import defaultdict
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


def _guid(value: str | None) -> str:
    return (value or "").strip("{}").upper()


def _read(path: Path):
    from lxml import etree

    try:
        z = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise WvtextError(f"{path}: is not a REFI-QDA project archive ({exc}).",
                          remedy="Export the project from the QDA tool as REFI-QDA project (.qdpx).")
    with z:
        names = {n.lower(): n for n in z.namelist()}
        qde = next((names[n] for n in names if PurePosixPath(n).suffix == ".qde"), None)
        if qde is None:
            raise WvtextError(f"{path}: holds no project.qde, so it is not a REFI-QDA project.",
                              remedy="Export the project from the QDA tool as REFI-QDA project (.qdpx).")
        try:
            doc = etree.fromstring(z.read(qde))
        except etree.XMLSyntaxError as exc:
            raise WvtextError(f"{path}: its {qde} is not well-formed XML ({exc}).")
        by_base = {PurePosixPath(n).name.lower(): n for n in z.namelist()}
        sources = []  # (TextSource element, its text)
        for src in doc.iter(f"{_NS}TextSource"):
            inline = src.findtext(f"{_NS}PlainTextContent")
            ref = re.sub(r"^internal://", "", src.get("plainTextPath") or "", flags=re.I)
            member = by_base.get(PurePosixPath(ref).name.lower()) if ref else None
            sources.append((src, inline if inline is not None else (
                z.read(member).decode("utf-8-sig", errors="replace") if member else "")))
    return doc, sources


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


def _place(store, names: dict, guid_of: dict, src) -> tuple[str, str] | None:
    """("return", return id) or ("item", item id) for a source, or None."""
    hit = guid_of.get(_guid(src.get("guid")))
    if hit:
        return hit
    name = (src.get("name") or "").strip()
    if name.lower() in names:
        return "return", names[name.lower()]
    iid = name.split(":", 1)[0].strip()
    if iid and store.items([iid]):
        return "item", iid
    return None


def decisions_from_qdpx(store, path: Path) -> QdpxDecisions:
    """The theme decisions an analyst's coded .qdpx implies against what the store holds."""
    from .codebook import load_codebook
    from .report.qdpx import _source_guid, source_names
    from .review import decision_map

    doc, sources = _read(Path(path))
    codes, findings = _theme_codes(doc), _finding_codes(doc)
    if not codes:
        raise WvtextError(f"{path}: has no theme codes (none with the GUID or the name of a theme of themes.md).",
                          remedy="Code with the themes of the project.qdpx (or themes.qdc) wvtext wrote.")
    returns = store.returns()
    # The names project.qdpx gives, then a bare locality (a renamed source), a real return first.
    names = {n.lower(): rid for rid, n in source_names(
        [(r["return_id"], r["locality"], bool(r.get("synthetic"))) for r in returns]).items()}
    for r in sorted(returns, key=lambda r: (r.get("synthetic", 0) or 0, r["return_id"])):
        names.setdefault(r["locality"].lower(), r["return_id"])
    guid_of = {_source_guid(f"return:{r['return_id']}"): ("return", r["return_id"]) for r in returns}
    guid_of |= {_source_guid(f"item:{i['item_id']}"): ("item", i["item_id"]) for i in store.items()}
    latest = decision_map(store)
    themes_decided = _theme_decisions(latest)
    codebook = load_codebook()
    out = QdpxDecisions()

    def decide(theme: str, decision: str, *, return_id: str = "", qid: str = "", item_id: str = "",
               kind: str = "theme", value: str = "") -> None:
        before = latest.get((kind, return_id, qid, item_id, theme), {})
        if (before.get("decision"), before.get("value") or "") != (decision, value):  # already decided so: nothing new
            out.decisions.append({"kind": kind, "return_id": return_id, "qid": qid, "item_id": item_id,
                                  "theme": theme, "decision": decision, **({"value": value} if value else {})})

    for src, text in sources:
        where = _place(store, names, guid_of, src)
        if where is None:
            out.unplaced.append(src.get("name") or src.get("guid") or "?")
            continue
        kind, key = where
        selections = [(int(s.get("startPosition", 0)), int(s.get("endPosition", 0)), _coded(s, codes),
                       _coded(s, findings)) for s in src.iter(f"{_NS}PlainTextSelection")]
        if kind == "item":
            out.items += 1
            analyst = _coded(src, codes).union(*[c for _, _, c, _ in selections])
            carried = {t["theme"] for t in store.item_themes([key]) if t["carried"]}
            reviewed = _as_reviewed(carried, themes_decided.get(("item", key), []))
            for theme in sorted(analyst - reviewed):
                decide(theme, "confirm" if theme in carried else "add", item_id=key)
            for theme in sorted(reviewed - analyst):
                decide(theme, "dismiss", item_id=key)
            continue
        out.returns += 1
        cursor, spans = 0, []
        for a in sorted(store.answers([key]), key=lambda a: codebook.position(a["qid"])):
            at = text.find(a["narrative"], cursor) if a["narrative"] else -1
            if at >= 0:
                spans.append((at, at + len(a["narrative"]), a["qid"]))
                cursor = at + len(a["narrative"])
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
            # compared with the answer as review left it (the project codes that), not as analysed:
            # a theme or flag added in review and uncoded by the analyst is dismissed
            reviewed = _as_reviewed(carried[qid], themes_decided.get((key, qid), []))
            for theme in sorted(analyst[qid] - reviewed):
                decide(theme, "confirm" if theme in carried[qid] else "add", return_id=key, qid=qid)
            for theme in sorted(reviewed - analyst[qid]):
                decide(theme, "dismiss", return_id=key, qid=qid)
            had, now = _findings_as_reviewed(wvtext[qid], latest, key, qid), found[qid]
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
