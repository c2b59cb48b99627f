"""Render report.html (and one locality page) to PNG with Debian's headless Chromium, to look at them.

    python bench/render_report.py OUT_DIR [--png-dir DIR] [--locality RETURN_ID] [--height 4000]

OUT_DIR is an analysis folder with report.html (run `wvtext report --out OUT_DIR` first). Writes
report.png and locality.png into --png-dir (default: OUT_DIR/render). Needs the `chromium`
package; without it, prints the apt command and exits 2. No network: the pages are self-contained
and Chromium runs with background networking and component updates off, in a fresh profile.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--hide-scrollbars")


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def render(chromium: str, html: Path, png: Path, *, width: int = 1280, height: int = 4000,
           timeout: float = 120.0) -> float:
    """Screenshot one page; return the seconds it took."""
    png.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="wvtext-chromium-") as profile:
        cmd = [chromium, *FLAGS, f"--user-data-dir={profile}", f"--screenshot={png}",
               f"--window-size={width},{height}", html.resolve().as_uri()]
        t = time.perf_counter()
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        took = time.perf_counter() - t
    if res.returncode != 0 or not png.is_file():
        sys.stderr.write(res.stderr[-2000:])
        raise SystemExit(f"chromium failed on {html} (exit {res.returncode})")
    return took


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir", type=Path, help="analysis folder with report.html")
    ap.add_argument("--png-dir", type=Path, default=None, help="where to write the PNGs (default OUT_DIR/render)")
    ap.add_argument("--locality", default=None, help="return id of the locality page (default: the first)")
    ap.add_argument("--width", type=int, default=1280)
    ap.add_argument("--height", type=int, default=4000)
    args = ap.parse_args(argv)

    chromium = find_chromium()
    if chromium is None:
        print("chromium is not installed. Install it with:\n  apt-get update && apt-get install -y chromium",
              file=sys.stderr)
        return 2
    report = args.out_dir / "report.html"
    if not report.is_file():
        print(f"{report} not found: run 'wvtext report --out {args.out_dir}' first.", file=sys.stderr)
        return 1
    png_dir = args.png_dir or args.out_dir / "render"
    pages = sorted((args.out_dir / "localities").glob("*.html"))
    if args.locality:
        pages = [p for p in pages if p.stem == args.locality] or pages
    took = render(chromium, report, png_dir / "report.png", width=args.width, height=args.height)
    print(f"{png_dir / 'report.png'} ({took:.1f}s)")
    if pages:
        took = render(chromium, pages[0], png_dir / "locality.png", width=args.width, height=args.height)
        print(f"{png_dir / 'locality.png'} from {pages[0].name} ({took:.1f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
