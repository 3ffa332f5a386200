"""/trend, /timeline and /compare in the terminal session: the PNG is written to a file
(``png: FILE``, else the system's temporary folder) and its path printed with the chart
in words."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

from bot import chart_reply
from bot.chart_text import chart_text
from bot.core import Core
from index.errors import BadQueryError

Handler = Callable[[str, dict[str, str]], Awaitable[None]]
_NAME_SEPARATOR = re.compile(r"\s*(?:,|;|\bvs\.?(?=\s))\s*", re.I)
_SLUG = re.compile(r"[^a-z0-9]+")


def default_png_path(rendered: chart_reply.RenderedChart) -> Path:
    slug = _SLUG.sub("-", "-".join(rendered.chart.subjects).casefold()).strip("-")[:60]
    return Path(tempfile.gettempdir()) / "newsdesk-charts" / f"{rendered.chart.kind}-{slug}.png"


def save_png(rendered: chart_reply.RenderedChart, target: str | Path | None) -> Path:
    """Write the PNG; a path that cannot be written is a clear error, not a traceback."""
    path = Path(target).expanduser() if target else default_png_path(rendered)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(rendered.png)
    except OSError as err:
        raise BadQueryError(f"Could not write the chart to {path}: {err.strerror or err}.",
                            hint="Give another file with png: FILE.") from err
    return path


def split_names(text: str) -> list[str]:
    """``"Wang Wenbin, Wang Yi"`` or ``"ferry vs strike"`` -> the names."""
    return [n for n in _NAME_SEPARATOR.split(text.strip()) if n]


def chart_commands(core: Core, write: Callable[[str], None]) -> dict[str, Handler]:
    """The terminal session's chart commands, by name."""

    def show(rendered: chart_reply.RenderedChart, options: dict[str, str]) -> None:
        path = save_png(rendered, options.get("png"))
        write(chart_text(rendered.chart) + f"Chart written to {path}\n")

    async def trend(free: str, options: dict[str, str]) -> None:
        show(await chart_reply.trend(core, options.get("query") or free, options.get("from"),
                                     options.get("to"), options.get("by")), options)

    async def timeline(free: str, options: dict[str, str]) -> None:
        show(await chart_reply.timeline(core, options.get("speaker") or free,
                                        options.get("from"), options.get("to"),
                                        options.get("by")), options)

    async def compare(free: str, options: dict[str, str]) -> None:
        show(await chart_reply.compare(core, split_names(free), options.get("of"),
                                       options.get("from"), options.get("to"),
                                       options.get("by")), options)

    return {"trend": trend, "timeline": timeline, "compare": compare}
