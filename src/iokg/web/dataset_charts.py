"""The dataset page's pictures, drawn on the server as SVG: the weekday × hour heatmap of posting
activity and the histogram of account creation by month.

Both are plain SVG with presentation attributes (no ``style``, no script), so they obey the pages'
Content-Security-Policy and also stand alone as ``.svg`` files. Each has a ``<title>`` and a
``<desc>`` that says in words what it shows, text labels on its axes, and a ``<title>`` per cell
or bar (the exact count, shown as a tooltip). The page repeats the numbers as tables.

>>> svg = heatmap_svg([[0] * 24 for _ in range(7)], "UTC", "x")
>>> svg.startswith("<svg") and "<title" in svg and "Monday" in svg
True
>>> "2019-02" in histogram_svg([{"month": "2019-01", "accounts": 3}, {"month": "2019-02", "accounts": 0}], "x")
True
"""

from __future__ import annotations

from html import escape

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
INK, MUTED, GRID, EMPTY = "#1b1f24", "#4a5562", "#d0d7de", "#f4f6f8"
FONT = ' font-family="system-ui, -apple-system, Segoe UI, DejaVu Sans, sans-serif"'
#: Light to dark blue, 6 steps; cell colour by share of the busiest cell.
SCALE = ("#dbe9f6", "#b3d1ec", "#7fb0dc", "#4a8cc8", "#1f66ad", "#0b3f7a")


def _shade(value: int, peak: int) -> str:
    if value <= 0 or peak <= 0:
        return EMPTY
    step = min(len(SCALE) - 1, int(value / peak * len(SCALE)))
    return SCALE[step]


def _open(ns: bool, kind: str, width: int, height: int, ident: str) -> str:
    xmlns = ' xmlns="http://www.w3.org/2000/svg"' if ns else ""
    return (f'<svg{xmlns} class="chart-svg chart-svg--{kind}" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" role="img" aria-labelledby="{ident}-title {ident}-desc"{FONT}>')


def describe_heatmap(grid: list[list[int]], tz: str) -> str:
    """The heatmap in words: total, busiest hour, share on Monday–Friday 08:00–17:00."""
    total = sum(map(sum, grid))
    if not total:
        return f"No tweets to show in {tz}."
    peak_day, peak_hour = max(((d, h) for d in range(7) for h in range(24)), key=lambda dh: grid[dh[0]][dh[1]])
    office = sum(grid[d][h] for d in range(5) for h in range(8, 17))
    by_day = ", ".join(f"{WEEKDAYS[d]} {sum(grid[d]):,}" for d in range(7))
    return (f"{total:,} tweets by weekday and hour of the day in {tz}. The busiest hour is "
            f"{WEEKDAYS[peak_day]} {peak_hour:02d}:00–{peak_hour + 1:02d}:00 with {grid[peak_day][peak_hour]:,} tweets. "
            f"{office / total:.0%} fall Monday–Friday 08:00–17:00. Tweets per day: {by_day}.")


def heatmap_svg(grid: list[list[int]], tz: str, dataset: str, *, standalone: bool = False) -> str:
    """Weekday rows (Monday first) × 24 hour columns, darker for more tweets."""
    left, top, cell_w, cell_h, gap = 96, 30, 30, 26, 2
    width = left + 24 * (cell_w + gap) + 8
    legend_y = top + 7 * (cell_h + gap) + 18
    height = legend_y + 30
    peak = max((max(row) for row in grid), default=0)
    ident = "heatmap"
    out = [_open(standalone, "heatmap", width, height, ident),
           f'<title id="{ident}-title">{escape(f"Posting activity of {dataset} by weekday and hour, {tz}")}</title>',
           f'<desc id="{ident}-desc">{escape(describe_heatmap(grid, tz))}</desc>']
    for h in range(24):
        x = left + h * (cell_w + gap) + cell_w / 2
        out.append(f'<text x="{x:.0f}" y="{top - 10}" font-size="11" fill="{MUTED}" text-anchor="middle">{h:02d}</text>')
    for d in range(7):
        y = top + d * (cell_h + gap)
        out.append(f'<text x="{left - 8}" y="{y + cell_h / 2 + 4:.0f}" font-size="12" fill="{INK}" '
                   f'text-anchor="end">{WEEKDAYS[d]}</text>')
        for h in range(24):
            n = grid[d][h]
            x = left + h * (cell_w + gap)
            label = f"{WEEKDAYS[d]} {h:02d}:00–{h + 1:02d}:00 {tz}: {n:,} tweet{'s' if n != 1 else ''}"
            out.append(f'<rect x="{x}" y="{y}" width="{cell_w}" height="{cell_h}" fill="{_shade(n, peak)}" '
                       f'data-weekday="{d + 1}" data-hour="{h}" data-count="{n}"><title>{escape(label)}</title></rect>')
    out.append(f'<text x="{left}" y="{legend_y + 14}" font-size="11" fill="{MUTED}">fewer</text>')
    for i, colour in enumerate((EMPTY, *SCALE)):
        out.append(f'<rect x="{left + 40 + i * 22}" y="{legend_y + 3}" width="20" height="14" fill="{colour}" '
                   f'stroke="{GRID}"/>')
    out.append(f'<text x="{left + 40 + 7 * 22 + 6}" y="{legend_y + 14}" font-size="11" fill="{MUTED}">more '
               f'(busiest hour: {peak:,} tweets)</text>')
    out.append("</svg>")
    return "\n".join(out)


def describe_histogram(months: list[dict]) -> str:
    total = sum(m["accounts"] for m in months)
    if not total:
        return "No account creation dates to show."
    peak = max(months, key=lambda m: m["accounts"])
    return (f"{total:,} accounts created between {months[0]['month']} and {months[-1]['month']}, by month. "
            f"The most, {peak['accounts']:,}, in {peak['month']}.")


def histogram_svg(months: list[dict], dataset: str, *, standalone: bool = False) -> str:
    """One bar per month (gaps included, as zero), year labels under each January."""
    left, top, plot_h, plot_w = 56, 14, 200, 760
    height = top + plot_h + 44
    width = left + plot_w + 12
    n = max(len(months), 1)
    bar = plot_w / n
    peak = max((m["accounts"] for m in months), default=0)
    ident = "creation"
    out = [_open(standalone, "histogram", width, height, ident),
           f'<title id="{ident}-title">{escape(f"Accounts of {dataset} created per month")}</title>',
           f'<desc id="{ident}-desc">{escape(describe_histogram(months))}</desc>']
    ticks = _ticks(peak)
    for t in ticks:
        y = top + plot_h - (t / ticks[-1] * plot_h if ticks[-1] else 0)
        out.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" fill="{MUTED}" text-anchor="end">{t:,}</text>')
    scale_top = ticks[-1] or 1
    for i, m in enumerate(months):
        h = m["accounts"] / scale_top * plot_h
        x = left + i * bar
        label = f"{m['month']}: {m['accounts']:,} account{'s' if m['accounts'] != 1 else ''} created"
        out.append(f'<rect x="{x:.2f}" y="{top + plot_h - h:.2f}" width="{max(bar - 0.5, 0.5):.2f}" height="{h:.2f}" '
                   f'fill="{SCALE[4]}" data-month="{m["month"]}" data-count="{m["accounts"]}">'
                   f'<title>{escape(label)}</title></rect>')
    out.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="{INK}"/>')
    years = [(i, m["month"][:4]) for i, m in enumerate(months) if m["month"].endswith("-01") or i == 0]
    every = max(1, len(years) // 12)  # at most ~12 year labels
    for k, (i, year) in enumerate(years):
        if k % every:
            continue
        x = left + i * bar
        out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top + plot_h}" y2="{top + plot_h + 5}" stroke="{INK}"/>')
        out.append(f'<text x="{x + 2:.1f}" y="{top + plot_h + 18}" font-size="11" fill="{INK}">{year}</text>')
    out.append(f'<text x="{left}" y="{height - 6}" font-size="11" fill="{MUTED}">month of account creation (UTC); '
               f'bar height: accounts created</text>')
    out.append("</svg>")
    return "\n".join(out)


def _ticks(peak: int) -> list[int]:
    """0 and 3–5 round steps up to at least ``peak``.

    >>> _ticks(87)
    [0, 20, 40, 60, 80, 100]
    >>> _ticks(0)
    [0]
    """
    if peak <= 0:
        return [0]
    step = 1
    while peak / step > 5:
        for m in (2, 5, 10):
            if peak / (step * m) <= 5:
                step *= m
                break
        else:
            step *= 10
    top = -(-peak // step) * step
    return list(range(0, top + 1, step))
