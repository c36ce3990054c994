"""The report gallery: ``<output>/index.html``, one card per notebook and parameter set.

Each card has a thumbnail of the notebook's key figure, its status (ok, stale, failed, timeout,
interrupted, running), duration, date and links (reader's version, with code, notebook, numbers,
partial notebook of a failure, files the notebook wrote).  Below the cards: the claims ledger's
table (from notebook 04's ``claims_ledger.json``, default parameters preferred) and the recorded
numbers, side by side across parameter sets.

Hand-written HTML, on purpose: one self-contained page (inline CSS, no JavaScript, relative
links) that opens from disk with no server, is rebuilt in milliseconds after every run (also
after a failed or interrupted one), and needs nothing beyond the Python environment.  Jupyter
Book 2 / MyST and Quarto build sites from the notebooks themselves: they would need Node.js or
the Quarto binary on every machine (and every cluster worker), re-render what nbconvert has
already rendered, and serve best over HTTP; they add nothing a gallery of finished reports needs.
"""

from __future__ import annotations

import html
import json
import math
import os
from collections import defaultdict
from pathlib import Path

from nanbei.runner import files

STATUS_TEXT = {
    "ok": "ok",
    "stale": "stale",
    "failed": "failed",
    "timeout": "timed out",
    "interrupted": "interrupted",
    "running": "running",
}
LEDGER = "claims_ledger.json"

CSS = """
:root{--fg:#1f2328;--muted:#59636e;--line:#d0d7de;--bg:#fff;--card:#f6f8fa;--link:#0969da}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans CJK SC","Noto Sans",sans-serif;color:var(--fg);background:var(--bg)}
header.top{padding:1.2em 2em;border-bottom:1px solid var(--line)}
header.top h1{margin:0 0 .2em;font-size:1.6em}
header.top p{margin:.2em 0;color:var(--muted)}
main{padding:1em 2em 3em;max-width:1400px}
a{color:var(--link)}
h2{margin:1.6em 0 .6em;font-size:1.25em;border-bottom:1px solid var(--line);padding-bottom:.2em}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:1em}
.card{border:1px solid var(--line);border-radius:10px;background:var(--card);overflow:hidden;display:flex;flex-direction:column}
.card .thumb{display:block;background:#fff;border-bottom:1px solid var(--line);height:190px;text-align:center}
.card .thumb img{max-width:100%;max-height:190px;object-fit:contain}
.card .thumb.none{display:flex;align-items:center;justify-content:center;color:var(--muted);font-size:.9em}
.card .body{padding:.7em .9em .9em}
.card h3{margin:0 0 .3em;font-size:1em;line-height:1.3}
.card p{margin:.25em 0;font-size:.9em}
.chips code{font-size:.8em;background:#eaeef2;border-radius:4px;padding:0 .3em;margin-right:.25em;display:inline-block}
.badge{display:inline-block;border-radius:999px;padding:0 .6em;font-size:.8em;font-weight:700;text-transform:uppercase;letter-spacing:.02em}
.badge.ok{background:#dafbe1;color:#116329}.badge.stale{background:#fff1c2;color:#7d4e00}
.badge.failed,.badge.timeout,.badge.interrupted{background:#ffebe9;color:#a40e26}
.badge.running{background:#ddf4ff;color:#0550ae}
.card.failed,.card.timeout,.card.interrupted{border-color:#ff8182}.card.stale{border-color:#d4a72c}
.links a{margin-right:.7em;white-space:nowrap}
.error{color:#a40e26;font-size:.85em;word-break:break-word}
.meta{color:var(--muted)}
table{border-collapse:collapse;font-size:.88em;margin:.5em 0 1em;width:100%}
th,td{border:1px solid var(--line);padding:.3em .5em;vertical-align:top;text-align:left}
th{background:var(--card)}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.zh{color:var(--muted);font-size:.9em}
.status-reproduced{color:#116329;font-weight:600}.status-contradicted{color:#a40e26;font-weight:600}
footer{color:var(--muted);font-size:.85em;margin-top:3em}
"""


def _e(value) -> str:
    return html.escape("" if value is None else str(value))


def _href(path: str) -> str:
    return html.escape(path.replace(os.sep, "/"), quote=True)


def _entries(output: Path) -> list[dict]:
    entries = []
    for path in sorted(output.glob("*/*.run.json")):
        if path.parent.name.startswith("."):
            continue
        rec = files.read_json(path)
        if not isinstance(rec, dict) or "notebook" not in rec:
            continue
        rec["_folder"] = path.parent.name
        entries.append(rec)
    return entries


def _set_order(key: str) -> tuple:
    return (key != "default", key)


def _value(v) -> str:
    """A parameter value or recorded number as short text."""
    if hasattr(v, "item") and not isinstance(v, (str, bytes, list, dict)):
        try:
            v = v.item()  # NumPy scalars
        except (ValueError, TypeError):
            pass
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, float):
        return f"{v:.4g}"
    if isinstance(v, (int, str)):
        return str(v)
    return json.dumps(v, ensure_ascii=False, default=str)


def _card(rec: dict) -> str:
    folder = rec["_folder"]
    status = rec.get("status") or "failed"
    report = rec.get("report") or {}
    attempt = rec.get("attempt") or {}
    rfiles = report.get("files") or {}
    htmls = rfiles.get("html") or {}
    title = rec.get("title") or rec["notebook"]
    main_link = (
        f"{folder}/{htmls['reader']}"
        if "reader" in htmls
        else (f"{folder}/{htmls['code']}" if "code" in htmls else None)
    )
    if rfiles.get("thumbnail") and main_link:
        thumb = (
            f'<a class="thumb" href="{_href(main_link)}"><img src="{_href(folder + "/" + rfiles["thumbnail"])}" '
            f'alt="Key figure of {_e(title)}" loading="lazy"></a>'
        )
    else:
        thumb = (
            '<div class="thumb none">no figure</div>'
            if main_link
            else '<div class="thumb none">no report</div>'
        )
    overrides = rec.get("overrides") or {}
    links = []
    if "reader" in htmls:
        links.append(("report", f"{folder}/{htmls['reader']}"))
    if "code" in htmls:
        links.append(("with code", f"{folder}/{htmls['code']}"))
    if rfiles.get("notebook"):
        links.append(("notebook", f"{folder}/{rfiles['notebook']}"))
    if rfiles.get("results") and report.get("records"):
        links.append((f"numbers ({report['records']})", f"{folder}/{rfiles['results']}"))
    for extra in rfiles.get("extras") or []:
        links.append((extra, f"{folder}/{extra}"))
    if rec.get("failed_notebook"):
        links.append(("partial notebook", f"{folder}/{rec['failed_notebook']}"))
    links.append(("record", f"{folder}/{rec['notebook']}.run.json"))
    link_html = " ".join(f'<a href="{_href(h)}">{_e(t)}</a>' for t, h in links)
    when = report.get("finished") or attempt.get("finished") or attempt.get("started") or ""
    when = when.replace("T", " ")[:16]
    duration = report.get("duration") if status in ("ok",) else attempt.get("duration")
    meta = [f'<span class="badge {_e(status)}">{_e(STATUS_TEXT.get(status, status))}</span>']
    if duration:
        meta.append(f"{duration:.1f} s")
    if when:
        meta.append(_e(when))
    commit = report.get("commit") or attempt.get("commit")
    if commit:
        meta.append(f"<code>{_e(commit[:8])}</code>{'*' if report.get('dirty') else ''}")
    error = ""
    if status != "ok" and attempt.get("error"):
        err = attempt["error"]
        where = f"In[{err['cell']}] " if err.get("cell") else ""
        extra = " The report shown is from an earlier good run." if status == "stale" else ""
        error = (
            f'<p class="error">Latest run {_e(attempt.get("status"))}: {_e(where)}'
            f"{_e(err.get('ename'))}: {_e(str(err.get('evalue', ''))[:240])}"
            f"{_e(' (' + err['reason'] + ')') if err.get('reason') else ''}.{_e(extra)}</p>"
        )
    # the section already names the notebook: a card is named by its parameter set
    label = ", ".join(f"{k}={_value(v)}" for k, v in overrides.items()) or "defaults"
    heading = f'<a href="{_href(main_link)}">{_e(label)}</a>' if main_link else _e(label)
    return (
        f'<article class="card {_e(status)}" id="{_e(rec["notebook"])}--{_e(folder)}">{thumb}'
        f'<div class="body"><h3>{heading}</h3>'
        + (f'<p class="chips"><code>{_e(folder)}</code></p>' if folder != "default" else "")
        + f'<p class="meta">{" · ".join(meta)}</p>{error}<p class="links">{link_html}</p></div></article>'
    )


def _ledger(output: Path, entries: list[dict]) -> str:
    candidates = [
        rec
        for rec in entries
        if rec.get("report")
        and LEDGER in ((rec["report"].get("files") or {}).get("extras") or [])
        and (output / rec["_folder"] / LEDGER).exists()
    ]
    if not candidates:
        return ""
    # the default parameter set's ledger if there is one, else the most recent
    candidates.sort(key=lambda r: r["report"].get("finished") or "", reverse=True)
    rec = sorted(candidates, key=lambda r: r["_folder"] != "default")[0]
    folder = rec["_folder"]
    rows = files.read_json(output / folder / LEDGER)
    if not isinstance(rows, list):
        return ""
    body = []
    for row in rows:
        evidence = []
        for name in str(row.get("evidence") or "").split(";"):
            name = name.strip()
            if not name:
                continue
            target = output / folder / f"{name}.html"
            evidence.append(
                f'<a href="{_href(folder + "/" + name + ".html")}">{_e(name)}</a>'
                if target.exists()
                else _e(name)
            )
        status = str(row.get("status") or "")
        cls = "status-" + status.split()[0] if status else ""
        body.append(
            f'<tr><td>{_e(row.get("claim_en"))}<div class="zh" lang="zh">{_e(row.get("claim_zh"))}</div></td>'
            f'<td class="num">{_e(_value(row.get("claimed")) if row.get("claimed") is not None else "")}</td>'
            f'<td class="num">{_e(_value(row.get("measured")) if row.get("measured") is not None else "")}</td>'
            f'<td class="{_e(cls)}">{_e(status)}</td><td>{_e(row.get("years"))}</td>'
            f"<td>{' '.join(evidence)}</td></tr>"
        )
    stale = " (stale: from an earlier good run)" if rec.get("status") == "stale" else ""
    links = " · ".join(
        f'<a href="{_href(folder + "/" + n)}">{_e(n)}</a>'
        for n in ("claims_ledger.csv", LEDGER)
        if (output / folder / n).exists()
    )
    return (
        f'<h2 id="claims">Claims ledger</h2><p>The report\'s quantitative claims and what the data '
        f"say, from <code>{_e(rec['notebook'])}</code> with parameter set <code>{_e(folder)}</code>"
        f"{_e(stale)}: {links}.</p><table><thead><tr><th>claim</th><th>claimed</th><th>measured</th>"
        f"<th>status</th><th>years</th><th>evidence</th></tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def _numbers(output: Path) -> str:
    from nanbei import store

    try:
        table = store.load_results(output)
    except Exception:  # noqa: BLE001 - the gallery must build even if a results file is odd
        return ""
    if table.empty:
        return ""
    parts = [
        '<h2 id="numbers">Recorded numbers</h2><p>Each notebook\'s key numbers '
        "(<code>nanbei.record</code>), per parameter set; all of them in "
        f'<a href="{_href(store.RESULTS_TABLE)}">{_e(store.RESULTS_TABLE)}</a>.</p>'
    ]
    for notebook, df in table.groupby("notebook", sort=True):
        names = list(dict.fromkeys(df["name"]))[:10]
        sets = sorted(dict.fromkeys(df["set"]), key=_set_order)[:30]
        param_cols = [c for c in df.columns if c.startswith("param.")]
        varying = [c for c in param_cols if df[c].astype(str).nunique() > 1]
        head = "".join(f"<th>{_e(c.removeprefix('param.'))}</th>" for c in varying)
        head += "".join(f"<th>{_e(n)}</th>" for n in names)
        rows = []
        for key in sets:
            sub = df[df["set"] == key]
            first = sub.iloc[0]
            cells = "".join(f"<td>{_e(_value(first[c]))}</td>" for c in varying)
            for n in names:
                hit = sub[sub["name"] == n]
                if len(hit):
                    v, unit = hit.iloc[-1]["value"], hit.iloc[-1]["unit"]
                    text = _value(v) + (f" {unit}" if isinstance(unit, str) and unit else "")
                else:
                    text = ""
                cells += f'<td class="num">{_e(text)}</td>'
            status = first["status"]
            mark = "" if status == "ok" else f" ({status})"
            rows.append(
                f'<tr><td><a href="{_href(key + "/" + notebook + ".html")}">{_e(key)}</a>'
                f"{_e(mark)}</td>{cells}</tr>"
            )
        parts.append(
            f"<h3>{_e(notebook)}</h3><table><thead><tr><th>parameter set</th>{head}</tr>"
            f"</thead><tbody>{''.join(rows)}</tbody></table>"
        )
    return "".join(parts)


def build_gallery(output: str | Path, *, title: str = "Nanbei reports") -> Path:
    """Write ``<output>/index.html`` from the run records found there; return its path."""
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    entries = _entries(output)
    by_notebook: dict[str, list[dict]] = defaultdict(list)
    for rec in entries:
        by_notebook[rec["notebook"]].append(rec)
    counts: dict[str, int] = defaultdict(int)
    for rec in entries:
        counts[rec.get("status") or "failed"] += 1
    runs = sorted((output / "runs").glob("*.json")) if (output / "runs").exists() else []
    last = files.read_json(runs[-1]) if runs else None
    sections = []
    for notebook in sorted(by_notebook):
        recs = sorted(by_notebook[notebook], key=lambda r: _set_order(r["_folder"]))
        title_text = next((r.get("title") for r in recs if r.get("title")), notebook)
        sections.append(
            f'<h2 id="{_e(notebook)}">{_e(title_text)}</h2><div class="cards">'
            + "".join(_card(r) for r in recs)
            + "</div>"
        )
    summary = ", ".join(f"{n} {STATUS_TEXT.get(s, s)}" for s, n in sorted(counts.items()))
    run_line = ""
    if isinstance(last, dict):
        prov = last.get("provenance") or {}
        commit = prov.get("commit")
        run_line = (
            f"<p>Last run <code>{_e(last.get('run_id'))}</code>, {_e(str(last.get('finished', ''))[:19].replace('T', ' '))}"
            f", {_e(last.get('duration', 0))} s"
            + (
                f", commit <code>{_e(commit[:10])}</code>{' with uncommitted changes' if prov.get('dirty') else ''}"
                if commit
                else ""
            )
            + (f", data <code>{_e(prov.get('data_hash'))}</code>" if prov.get("data_hash") else "")
            + (f": {_e(last.get('status'))}" if last.get("status") else "")
            + ".</p>"
        )
    empty = "" if entries else "<p>No reports yet: run <code>nanbei run</code>.</p>"
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)}</title><style>{CSS}</style></head>
<body><header class="top"><h1>{_e(title)}</h1>
<p>{len(entries)} report(s) over {len(by_notebook)} notebook(s){": " + _e(summary) if summary else ""}.</p>{run_line}</header>
<main>{empty}{"".join(sections)}{_ledger(output, entries)}{_numbers(output)}
<footer>Built by <code>nanbei run</code>. Each parameter set has its own folder; a report marked stale is the last good one of a
parameter set whose latest run did not succeed.</footer></main></body></html>
"""
    target = output / "index.html"
    files.atomic_write(target, page)
    return target
