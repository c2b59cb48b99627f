"""themes.qdc: the theme taxonomy as a REFI-QDA codebook (QDA-XML codebook 1.0).

NVivo, MAXQDA, ATLAS.ti and QualCoder import `.qdc` files, so analysts can code the
narratives by hand with the same 23 themes wvtext finds. GUIDs are uuid5 of the theme id
(stable from run to run and machine to machine). `validate_qdc` checks a file against the
shipped `Codebook.xsd`: with lxml when it is installed, otherwise with a small interpreter
of the XSD subset the schema uses (sequence, minOccurs/maxOccurs, required attributes,
boolean and pattern types), plus checks the schema cannot express (unique GUIDs).
"""
from __future__ import annotations

import json
import re
import uuid
import xml.etree.ElementTree as ET
from functools import lru_cache
from pathlib import Path

from .. import __version__

__all__ = ["QDA_NS", "XSD_PATH", "theme_descriptions", "theme_guid", "build_qdc", "write_qdc", "validate_qdc"]

QDA_NS = "urn:QDA-XML:codebook:1.0"
XSD_NS = "http://www.w3.org/2001/XMLSchema"
XSD_PATH = Path(__file__).with_name("Codebook.xsd")
DESCRIPTIONS_PATH = Path(__file__).with_name("themes_descriptions.json")
_GUID_NS = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/wvtext/themes")

# 23 distinct colours (tab20 and three more), one per theme in taxonomy order.
_COLORS = ("#1F77B4", "#FF7F0E", "#2CA02C", "#D62728", "#9467BD", "#8C564B", "#E377C2", "#7F7F7F", "#BCBD22",
           "#17BECF", "#AEC7E8", "#FFBB78", "#98DF8A", "#FF9896", "#C5B0D5", "#C49C94", "#F7B6D2", "#C7C7C7",
           "#DBDB8D", "#9EDAE5", "#393B79", "#637939", "#8C6D31")


@lru_cache(maxsize=1)
def theme_descriptions() -> tuple[dict, ...]:
    """[{id, name, covers}] in taxonomy order, from themes_descriptions.json (checked against THEMES)."""
    from ..errors import WvtextError
    from ..themes.lexicon import THEME_NAMES, THEMES

    data = json.loads(DESCRIPTIONS_PATH.read_text(encoding="utf-8"))
    rows = tuple(data["themes"])
    if [r["id"] for r in rows] != list(THEMES) or any(r["name"] != THEME_NAMES[r["id"]] for r in rows):
        raise WvtextError(f"{DESCRIPTIONS_PATH} does not list the 23 themes of the taxonomy in order.")
    return rows


def theme_guid(theme_id: str) -> str:
    return str(uuid.uuid5(_GUID_NS, f"theme:{theme_id}")).upper()


def build_qdc() -> bytes:
    """The codebook document (UTF-8 bytes)."""
    ET.register_namespace("", QDA_NS)
    root = ET.Element(f"{{{QDA_NS}}}CodeBook", {"origin": f"wvtext {__version__} (theme taxonomy v1)"})
    codes = ET.SubElement(root, f"{{{QDA_NS}}}Codes")
    for i, t in enumerate(theme_descriptions()):
        code = ET.SubElement(codes, f"{{{QDA_NS}}}Code", {
            "guid": theme_guid(t["id"]), "name": t["name"], "isCodable": "true", "color": _COLORS[i % len(_COLORS)]})
        desc = ET.SubElement(code, f"{{{QDA_NS}}}Description")
        desc.text = f"{t['covers'][:1].upper()}{t['covers'][1:]}. (wvtext theme id: {t['id']})"
    ET.indent(root, space="  ")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8") + b"\n"


def write_qdc(path: Path) -> None:
    from ..export import _atomic_write

    text = build_qdc().decode("utf-8")
    _atomic_write(Path(path), lambda fh: fh.write(text))


# -- validation ------------------------------------------------------------------------------

def validate_qdc(source, *, xsd: Path = XSD_PATH, use_lxml: bool | None = None) -> list[str]:
    """Problems found in a .qdc (path or bytes); [] when it is valid."""
    data = Path(source).read_bytes() if not isinstance(source, (bytes, bytearray)) else bytes(source)
    errors: list[str] = []
    if use_lxml is None:
        try:
            import lxml.etree  # noqa: F401

            use_lxml = True
        except ImportError:
            use_lxml = False
    if use_lxml:
        from lxml import etree

        schema = etree.XMLSchema(etree.parse(str(xsd)))
        try:
            doc = etree.fromstring(data)
        except etree.XMLSyntaxError as exc:
            return [f"not well-formed XML: {exc}"]
        if not schema.validate(doc):
            errors += [f"line {e.line}: {e.message}" for e in schema.error_log]
    else:
        errors += _MiniXsd(xsd).validate(data)
    if not errors:
        root = ET.fromstring(data)
        guids = [c.get("guid", "").strip("{}").lower() for c in root.iter(f"{{{QDA_NS}}}Code")]
        dup = sorted({g for g in guids if guids.count(g) > 1})
        if dup:
            errors.append(f"duplicate Code guid(s): {', '.join(dup)}")
    return errors


class _MiniXsd:
    """Just enough XML Schema for Codebook.xsd: named complex types with a sequence of elements
    (minOccurs/maxOccurs) and attributes (use="required"), simple types restricting xsd:token or
    xsd:string by pattern, and the built-in types string, token and boolean."""

    def __init__(self, xsd: Path):
        root = ET.parse(str(xsd)).getroot()
        self.tns = root.get("targetNamespace", "")
        q = lambda n: f"{{{XSD_NS}}}{n}"  # noqa: E731
        self.roots = {e.get("name"): e.get("type") for e in root.findall(q("element"))}
        self.complex, self.simple = {}, {}
        for ct in root.findall(q("complexType")):
            seq = ct.find(q("sequence"))
            elements = []
            for e in seq.findall(q("element")) if seq is not None else []:
                mx = e.get("maxOccurs", "1")
                elements.append((e.get("name"), e.get("type"), int(e.get("minOccurs", "1")),
                                 None if mx == "unbounded" else int(mx)))
            attrs = {a.get("name"): (a.get("type"), a.get("use") == "required") for a in ct.findall(q("attribute"))}
            self.complex[ct.get("name")] = (elements, attrs)
        for st in root.findall(q("simpleType")):
            r = st.find(q("restriction"))
            pats = [re.compile(p.get("value")) for p in r.findall(q("pattern"))]
            self.simple[st.get("name")] = (r.get("base"), pats)

    def validate(self, data: bytes) -> list[str]:
        try:
            root = ET.fromstring(data)
        except ET.ParseError as exc:
            return [f"not well-formed XML: {exc}"]
        errors: list[str] = []
        ns, local = _split(root.tag)
        if ns != self.tns:
            errors.append(f"root element is in namespace {ns!r}, not {self.tns!r}")
        if local not in self.roots:
            errors.append(f"root element {local!r} is not one of {sorted(self.roots)}")
            return errors
        self._element(root, self.roots[local], local, errors)
        return errors

    def _value_ok(self, type_name: str, value: str) -> bool:
        t = type_name.split(":")[-1]
        if type_name.startswith("xsd:") or type_name.startswith("xs:"):
            if t == "boolean":
                return value.strip() in ("true", "false", "1", "0")
            return True  # string, token
        base, pats = self.simple[type_name]
        if base.split(":")[-1] == "token":
            value = " ".join(value.split())
        return any(p.fullmatch(value) for p in pats) if pats else True

    def _element(self, node, type_name: str, path: str, errors: list[str]) -> None:
        if type_name.startswith(("xsd:", "xs:")) or type_name in self.simple:
            if len(node):
                errors.append(f"{path}: must contain text only")
            elif not self._value_ok(type_name, node.text or ""):
                errors.append(f"{path}: value {node.text!r} is not a valid {type_name}")
            return
        elements, attrs = self.complex[type_name]
        for name, (atype, required) in attrs.items():
            if name not in node.attrib:
                if required:
                    errors.append(f"{path}: missing required attribute {name!r}")
            elif not self._value_ok(atype, node.attrib[name]):
                errors.append(f"{path}/@{name}: value {node.attrib[name]!r} is not a valid {atype}")
        for name in node.attrib:
            if name not in attrs and not name.startswith("{"):
                errors.append(f"{path}: attribute {name!r} is not allowed")
        children = list(node)
        if (node.text or "").strip() or any((c.tail or "").strip() for c in children):
            errors.append(f"{path}: text is not allowed here")
        i = 0
        for name, etype, lo, hi in elements:
            n = 0
            while i < len(children) and children[i].tag == f"{{{self.tns}}}{name}" and (hi is None or n < hi):
                self._element(children[i], etype, f"{path}/{name}[{n + 1}]", errors)
                i, n = i + 1, n + 1
            if n < lo:
                errors.append(f"{path}: expected element {name!r} (at least {lo}), found {n}")
        for extra in children[i:]:
            ns, local = _split(extra.tag)
            errors.append(f"{path}: unexpected element {local!r}" + (f" in namespace {ns!r}" if ns != self.tns else ""))


def _split(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        ns, _, local = tag[1:].partition("}")
        return ns, local
    return "", tag
