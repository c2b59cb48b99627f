"""Charts as base64 PNG (matplotlib, Agg backend: no display, no files, no fonts fetched).

Figures are made with matplotlib's object interface (`Figure`, drawn on a `FigureCanvasAgg`), not
pyplot: nothing is registered with a figure manager, so nothing needs closing, and pyplot is never
imported (a third of a second at every run)."""
from __future__ import annotations

import base64
import io
import textwrap

__all__ = ["stacked_classes", "heatmap", "hbar", "stacked_columns", "png_data_uri"]

_FONT = 8.5


_STYLE = {"font.size": _FONT, "font.family": "DejaVu Sans", "axes.spines.top": False,
          "axes.spines.right": False, "svg.fonttype": "none"}


def _figure(width: float, height: float):
    """A new figure and its axes, in the report's style, drawn by Agg."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    matplotlib.rcParams.update(_STYLE)  # read when the figure and its artists are made
    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    return fig, fig.subplots()


_DPI = 110


def png_data_uri(fig) -> str:
    """The figure as a PNG data URI, cut to its drawing plus a small margin (a tight box).

    savefig(bbox_inches="tight") draws the whole figure once only to measure it, then again to
    render it; the same box is measured here without that first drawing (text and ticks are laid
    out on demand) and handed to savefig, which then draws once."""
    import matplotlib

    buf = io.BytesIO()
    fig.set_dpi(_DPI)  # text is measured at the dpi it is drawn at
    pad = matplotlib.rcParams["savefig.pad_inches"]  # the margin savefig leaves around a tight box
    box = fig.get_tightbbox(fig.canvas.get_renderer()).padded(pad)
    fig.savefig(buf, format="png", dpi=_DPI, bbox_inches=box, metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _short(text: str, width: int) -> str:
    return textwrap.shorten(text, width=width, placeholder="…")


def stacked_classes(rows: list[tuple[str, dict[str, int]]], buckets: tuple[str, ...], labels: dict[str, str],
                    colors: dict[str, str], *, title: str = "") -> str:
    """Horizontal 100% stacked bars, one per row (label, counts by bucket)."""
    n = len(rows)
    fig, ax = _figure(9.0, 0.34 * n + 1.25)
    y = list(range(n))[::-1]
    totals = [sum(c.values()) or 1 for _, c in rows]
    left = [0.0] * n
    used = [b for b in buckets if any(c.get(b) for _, c in rows)]
    for b in used:
        vals = [100.0 * c.get(b, 0) / t for (_, c), t in zip(rows, totals)]
        ax.barh(y, vals, left=left, color=colors[b], edgecolor="white", linewidth=0.6, label=labels[b], height=0.72)
        for yi, v, lft in zip(y, vals, left):
            if v >= 9:
                ax.text(lft + v / 2, yi, f"{v:.0f}", ha="center", va="center", fontsize=7,
                        color="white" if b in ("yes", "no", "invalid") else "#222")
        left = [lf + v for lf, v in zip(left, vals)]
    ax.set_yticks(y)
    ax.set_yticklabels([lab for lab, _ in rows])
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of localities")
    ax.tick_params(axis="y", length=0)
    if title:
        ax.set_title(title, loc="left", fontsize=9.5)
    fig_h = 0.34 * n + 1.25
    fig.subplots_adjust(bottom=0.85 / fig_h, top=1 - (0.35 if title else 0.1) / fig_h, left=0.3, right=0.98)
    handles, names = ax.get_legend_handles_labels()
    fig.legend(handles, names, ncol=min(len(used), 8), loc="lower left", bbox_to_anchor=(0.3, 0.0),
               frameon=False, fontsize=7.5, handlelength=1.2, columnspacing=1.0)
    return png_data_uri(fig)


def heatmap(values: list[list[float | None]], row_labels: list[str], col_labels: list[str], *,
            title: str = "", cbar_label: str = "") -> str:
    """A heat map of shares in [0, 1], each cell annotated in per cent."""
    import matplotlib
    import numpy as np

    arr = np.array([[np.nan if v is None else v for v in row] for row in values], dtype=float)
    fig, ax = _figure(max(6.0, 0.72 * len(col_labels) + 2.6), 0.42 * len(row_labels) + 1.9)
    cmap = matplotlib.colormaps["YlGn"].with_extremes(bad="#eeeeee")
    im = ax.imshow(arr, cmap=cmap, vmin=0, vmax=1, aspect="auto")
    for i in range(arr.shape[0]):
        for j in range(arr.shape[1]):
            v = arr[i, j]
            if not np.isnan(v):
                ax.text(j, i, f"{100 * v:.0f}", ha="center", va="center", fontsize=7.5,
                        color="white" if v > 0.62 else "#222")
    ax.set_xticks(range(len(col_labels)))
    ax.set_xticklabels(col_labels, rotation=35, ha="right", rotation_mode="anchor")
    ax.set_yticks(range(len(row_labels)))
    ax.set_yticklabels(row_labels)
    ax.tick_params(length=0)
    for s in ax.spines.values():
        s.set_visible(False)
    if title:
        ax.set_title(title, loc="left", fontsize=9.5)
    cb = fig.colorbar(im, ax=ax, fraction=0.03, pad=0.02)
    cb.ax.tick_params(labelsize=7)
    cb.set_ticks([0, 0.25, 0.5, 0.75, 1])
    cb.set_ticklabels(["0%", "25%", "50%", "75%", "100%"])
    if cbar_label:
        cb.set_label(cbar_label, fontsize=7.5)
    return png_data_uri(fig)


def hbar(labels: list[str], values: list[float], *, title: str = "", xlabel: str = "", color: str = "#4575b4",
         secondary: list[float] | None = None, secondary_label: str = "", primary_label: str = "",
         fmt: str = "{:g}", xmax: float | None = None) -> str:
    """Horizontal bars, largest first as given (top to bottom), values printed at the bar ends."""
    n = max(len(labels), 1)
    fig, ax = _figure(7.6, 0.3 * n + 1.0)
    y = list(range(len(labels)))[::-1]
    h = 0.4 if secondary is not None else 0.7
    off = h / 2 if secondary is not None else 0
    ax.barh([v + off for v in y], values, color=color, height=h, label=primary_label or None)
    if secondary is not None:
        ax.barh([v - off for v in y], secondary, color="#fdae61", height=h, label=secondary_label or None)
    top = xmax or max(list(values) + list(secondary or []) + [1])
    for yi, v in zip(y, values):
        ax.text(v + top * 0.01, yi + off, fmt.format(v), va="center", fontsize=7)
    for yi, v in zip(y, secondary or []):
        ax.text(v + top * 0.01, yi - off, fmt.format(v), va="center", fontsize=7)
    ax.set_yticks(y)
    ax.set_yticklabels([_short(lab, 46) for lab in labels])
    ax.set_xlim(0, top * (1.08 if xmax else 1.12))
    ax.tick_params(axis="y", length=0)
    if xlabel:
        ax.set_xlabel(xlabel)
    if title:
        ax.set_title(title, loc="left", fontsize=9.5)
    if secondary is not None:
        ax.legend(frameon=False, fontsize=7.5, loc="lower right")
    return png_data_uri(fig)


def stacked_columns(categories: list[str], series: dict[str, list[float]], colors: dict[str, str], *,
                    title: str = "", ylabel: str = "") -> str:
    """Vertical stacked columns (e.g. flags per question, stacked by type)."""
    fig, ax = _figure(max(7.5, 0.15 * len(categories) + 2.0), 3.1)
    x = list(range(len(categories)))
    bottom = [0.0] * len(categories)
    for name, vals in series.items():
        if not any(vals):
            continue
        ax.bar(x, vals, bottom=bottom, color=colors.get(name, "#999999"), label=name, width=0.8)
        bottom = [b + v for b, v in zip(bottom, vals)]
    ax.set_xticks(x)
    ax.set_xticklabels(categories, rotation=90, fontsize=6.5)
    ax.set_xlim(-0.7, len(categories) - 0.3)
    if ylabel:
        ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title, loc="left", fontsize=9.5)
    ax.legend(frameon=False, fontsize=7, ncol=4, loc="lower left", bbox_to_anchor=(0, 1.0))
    return png_data_uri(fig)
