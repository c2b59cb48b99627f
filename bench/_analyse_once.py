"""One end-to-end `analyse` in a fresh process, for bench/run.py: prints the manifest's timings
and counts, the words analysed and this process's peak memory (ru_maxrss) as JSON."""
from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    out, db, *inputs = sys.argv[1:]
    t0 = time.perf_counter()
    from wvtext.pipeline import analyse  # imports are part of a user's run

    manifest = analyse([Path(p) for p in inputs], Path(out), db_path=Path(db))
    wall = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the largest child
    print(json.dumps({"wall_s": round(wall, 3), "peak_mb": round(peak_mb, 1), "child_peak_mb": round(child_mb, 1),
                      "timings_s": manifest["timings_s"],
                      "counts": manifest["counts"],
                      "processes": manifest["settings"].get("processes", 1)}))


if __name__ == "__main__":
    main()
