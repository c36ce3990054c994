"""HTML reports: the notebook's own title, a provenance header, a status banner, and no
network needed to read them.

Two versions of each executed notebook: the reader's (no code) and one with code.  nbconvert's
JupyterLab template is extended (from memory, no template files) so that

* ``<title>`` is the notebook's first heading, not "Notebook";
* a header under it gives the parameters, commit, data hash, date, duration and links;
* RequireJS (only needed by widgets) is dropped and MathJax/Mermaid are loaded only when the
  notebook contains math or diagrams, so a report opens offline, from disk, without errors;
* a status banner sits between markers, so that a later failed run can mark the page stale
  without re-rendering it (:func:`mark_stale`).
"""

from __future__ import annotations

import base64
import functools
import html
import io
import re
from pathlib import Path
from typing import Any

STATUS_START = "<!-- nanbei:status -->"
STATUS_END = "<!-- /nanbei:status -->"

TEMPLATE = r"""{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}
{%- if resources.nanbei_math -%}{{ super() }}{%- endif -%}
{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}
{%- if resources.nanbei_mermaid -%}{{ super() }}{%- endif -%}
{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_css -%}
{{ super() }}
<style>{{ resources.nanbei_css }}</style>
{%- endblock html_head_css -%}
{%- block body_header -%}
{{ super() }}
{{ resources.nanbei_header }}
{%- endblock body_header -%}
"""

CSS = """
.nanbei-header{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans CJK SC",sans-serif;
 margin:0 0 1.5em;padding:.8em 1em;border:1px solid #d0d7de;border-radius:8px;background:#f6f8fa;color:#1f2328}
.nanbei-header a{color:#0969da}
.nanbei-header .nanbei-links{float:right}
.nanbei-header .nanbei-links a{margin-left:.8em}
.nanbei-header dl{display:grid;grid-template-columns:max-content auto;gap:.15em 1em;margin:.5em 0 0}
.nanbei-header dt{font-weight:600}.nanbei-header dd{margin:0}
.nanbei-header code{font-size:12.5px;background:#eaeef2;padding:0 .3em;border-radius:4px}
.nanbei-header .changed{font-weight:700}
.nanbei-status{margin:.6em 0 0;padding:.45em .8em;border-radius:6px;font-weight:600}
.nanbei-status.ok{background:#dafbe1;color:#116329}
.nanbei-status.stale{background:#fff1c2;color:#7d4e00;border:1px solid #d4a72c}
"""

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.M)
_MATH = re.compile(r"(?<![\\$])\$[^$\n]+\$|\$\$|\\\(|\\\[|\\begin\{")


def notebook_title(nb: Any, fallback: str) -> str:
    """The text of the notebook's first markdown heading (markup removed)."""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        match = _HEADING.search(source)
        if match:
            text = re.sub(r"[*_`]+", "", match.group(1))
            text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
            return text.strip() or fallback
    return fallback


def _has_math(nb: Any) -> bool:
    for cell in nb.get("cells", []):
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        if cell.get("cell_type") == "markdown" and _MATH.search(source):
            return True
        for out in cell.get("outputs", []):
            if "text/latex" in out.get("data", {}):
                return True
    return False


def _has_mermaid(nb: Any) -> bool:
    return any(
        cell.get("cell_type") == "markdown" and "```mermaid" in "".join(cell.get("source", ""))
        for cell in nb.get("cells", [])
    )


@functools.cache
def _exporter(with_code: bool):
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="lab",
        extra_loaders=[DictLoader({"nanbei.html.j2": TEMPLATE})],
        template_file="nanbei.html.j2",
    )
    exporter.exclude_input = not with_code
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    return exporter


def _fmt_value(value: Any) -> str:
    from nanbei.runner.params import python_literal

    return python_literal(value)


def status_banner(status: str, text: str) -> str:
    return (
        f'{STATUS_START}<p class="nanbei-status {html.escape(status)}" role="status">'
        f"{html.escape(text)}</p>{STATUS_END}"
    )


def header_html(info: dict, links: dict[str, str], banner: str) -> str:
    """The provenance header: parameters (overrides in bold), commit, data, date, duration."""
    esc = html.escape
    rows = []
    params = info.get("parameters", {})
    overrides = info.get("overrides", {})
    injected = info.get("injected", {})
    if params or injected:
        items = []
        for name, value in {**params, **injected}.items():
            cls = ' class="changed"' if name in overrides else ""
            note = " (this report's folder)" if name in injected else ""
            items.append(f"<code{cls}>{esc(name)}={esc(_fmt_value(value))}</code>{note}")
        rows.append(
            (
                "Parameters",
                " ".join(items)
                + (
                    " <small>(bold: set for this run)</small>"
                    if overrides
                    else " <small>(the notebook's defaults)</small>"
                ),
            )
        )
    rows.append(("Parameter set", f"<code>{esc(info.get('set', ''))}</code>"))
    commit = info.get("commit")
    if commit:
        dirty = info.get("dirty")
        rows.append(
            (
                "Commit",
                f"<code>{esc(commit[:12])}</code>" + (" with uncommitted changes" if dirty else ""),
            )
        )
    else:
        rows.append(("Commit", "not a git checkout"))
    rows.append(
        (
            "Data",
            f"<code>{esc(str(info.get('data_hash')))}</code> (SHA-256 of the data checksum manifest)",
        )
    )
    rows.append(
        (
            "Run",
            f"{esc(str(info.get('finished', ''))[:19].replace('T', ' '))} · "
            f"{info.get('duration', 0):.1f} s · "
            f"run <code>{esc(info.get('run_id', ''))}</code> on {esc(info.get('host', ''))}",
        )
    )
    link_html = "".join(f'<a href="{esc(href)}">{esc(text)}</a>' for text, href in links.items())
    body = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    return (
        f'<header class="nanbei-header"><span class="nanbei-links">{link_html}</span>'
        f"<strong>{esc(info.get('notebook', ''))}</strong> · Nanbei report"
        f"<dl>{body}</dl>{banner}</header>"
    )


def render_html(nb: Any, *, with_code: bool, title: str, header: str = "") -> str:
    """One HTML report of an executed notebook node."""
    import copy

    node = copy.copy(nb)
    node.metadata = copy.deepcopy(nb.metadata)
    node.metadata["title"] = title
    resources = {
        "metadata": {"name": title},
        "nanbei_header": header,
        "nanbei_css": CSS,
        "nanbei_math": _has_math(nb),
        "nanbei_mermaid": _has_mermaid(nb),
    }
    body, _ = _exporter(with_code).from_notebook_node(node, resources=resources)
    return body


def mark_stale(path: Path, text: str) -> bool:
    """Replace the status banner of an existing report (True if it had one)."""
    try:
        content = path.read_text(encoding="utf-8")
    except OSError:
        return False
    start, end = content.find(STATUS_START), content.find(STATUS_END)
    if start < 0 or end < 0:
        return False
    new = content[:start] + status_banner("stale", text) + content[end + len(STATUS_END) :]
    from nanbei.runner.files import atomic_write

    atomic_write(path, new)
    return True


def thumbnail(nb: Any, target: Path, width: int = 480, height: int = 300) -> bool:
    """Save a thumbnail of the notebook's key figure: the first PNG output of a cell tagged
    ``key-figure`` (or ``thumbnail``), else the first PNG output.  False if there is none."""
    tagged, first = None, None
    for cell in nb.get("cells", []):
        tags = set(cell.get("metadata", {}).get("tags") or [])
        for out in cell.get("outputs", []):
            data = out.get("data", {}).get("image/png")
            if data:
                first = first or data
                if tags & {"key-figure", "thumbnail"} and tagged is None:
                    tagged = data
    data = tagged or first
    if not data:
        return False
    from PIL import Image

    raw = base64.b64decode("".join(data) if isinstance(data, list) else data)
    with Image.open(io.BytesIO(raw)) as opened:
        img = opened.convert("RGBA")
        img.thumbnail((width, height))
        background = Image.new("RGB", img.size, "white")
        background.paste(img, mask=img.getchannel("A"))
        buffer = io.BytesIO()
        background.save(buffer, format="PNG", optimize=True)
    from nanbei.runner.files import atomic_write

    atomic_write(target, buffer.getvalue())
    return True
