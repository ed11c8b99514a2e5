"""Stored XSS, tried as an attacker would: every vector of ``data/xss_vectors.txt`` stored
in every field a page shows (tests/security/xss_seed.py), then every such page opened in
Debian's Chromium with a hook that records any script execution. The page must run no
script of the attacker's, and it must not even need the Content-Security-Policy to stop
one: the sanitiser alone leaves nothing executable in the document."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.live import ROOT, start_live_server
from tests.security.xss_seed import vectors

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Installed before any script of the page: what an injected script would call, and the
# CSP's own reports (a refusal means markup reached the DOM in an executable form).
HOOK = """
window.__xss = [];
for (const name of ['alert', 'confirm', 'prompt', 'print']) {
  window[name] = (...args) => { window.__xss.push(name + '(' + args.join(',') + ')'); };
}
document.addEventListener('securitypolicyviolation',
  (e) => window.__xss.push('csp:' + e.violatedDirective + ' ' + e.blockedURI));
"""

# What an executable leftover would look like in the document, read after the load.
LEFTOVERS = """() => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const value = attr.value.replace(/[\\s\\u0000-\\u001f]/g, '').toLowerCase();
      if (attr.name.startsWith('on')) found.push(el.tagName + ' ' + attr.name);
      if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'background']
            .includes(attr.name) && /^(javascript|vbscript|data:text)/.test(value))
        found.push(el.tagName + ' ' + attr.name + '=' + attr.value);
    }
  }
  for (const el of document.querySelectorAll('script')) {
    if (!el.src && !el.nonce) found.push('inline script without nonce');
    if (el.src && new URL(el.src).origin !== location.origin) found.push('script ' + el.src);
  }
  for (const el of document.querySelectorAll('main iframe, main object, main embed, '
                                             + 'main svg script, main base, main meta, '
                                             + 'main form[action^="javascript"], main style'))
    found.push(el.tagName);
  return found;
}"""


def test_the_corpus_is_large_and_varied():
    corpus = vectors()
    assert len(corpus) >= 200
    assert len(set(corpus)) == len(corpus)
    for family in ("<script", "onerror", "javascript:", "data:", "<svg", "&#", "](", "<iframe"):
        assert any(family in v.lower() for v in corpus), family


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A live server of its own: the vectors never reach the other browser tests' pages."""
    cleanups: list = []
    yield start_live_server(tmp_path_factory, cleanups, PAGE_CACHE_SECONDS="0")
    for cleanup in cleanups:
        cleanup()


def test_no_stored_vector_runs_in_a_real_browser(server, chromium):
    seeded = subprocess.run([sys.executable, "-m", "tests.security.xss_seed"], cwd=ROOT,
                            env=server["env"], check=True, capture_output=True, text=True)
    pages = json.loads(seeded.stdout.strip().splitlines()[-1])
    assert len(pages) > len(vectors())  # an idea page per vector, and the rest
    context = chromium.new_context()
    context.add_init_script(HOOK)
    page = context.new_page()
    dialogs, errors = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: errors.append(str(error)))
    problems = {}
    try:
        for path in pages:
            response = page.goto(server["url"] + path, wait_until="load")
            assert response.status == 200, path
            page.wait_for_timeout(20)  # an onerror of a broken image fires just after
            fired = page.evaluate("window.__xss")
            leftovers = page.evaluate(LEFTOVERS)
            if fired or leftovers:
                problems[path] = fired + leftovers
    finally:
        context.close()
    assert not problems, problems
    assert not dialogs, dialogs
    assert not errors, errors


def test_the_detector_sees_a_script_that_runs(chromium):
    """The hooks above are not blind: on a page without sanitiser or CSP they catch an
    injected handler and its leftovers."""
    context = chromium.new_context()
    context.add_init_script(HOOK)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.dismiss())
    try:
        page.set_content('<main><img src="x:" onerror="alert(7)">'
                         '<a href="javascript:alert(8)">x</a></main>')
        page.wait_for_timeout(50)
        assert "alert(7)" in page.evaluate("window.__xss")
        leftovers = page.evaluate(LEFTOVERS)
        assert any("onerror" in item for item in leftovers)
        assert any("javascript:alert(8)" in item for item in leftovers)
    finally:
        context.close()
