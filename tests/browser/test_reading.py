"""What a keyboard, screen-reader or low-vision user meets beyond axe-core (issue 15), over
the page sample of the RGAA self-assessment (consult/accessibility/rgaa-4.1.toml), in
both themes where the theme changes the answer. Each test is cited by the criteria it
establishes in that grid."""
# ruff: noqa: E501  (the scripts run in the page are JavaScript, kept readable on one line each)

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from consult.accessibility.grid import load
from tests.browser.conftest import sign_in

AGENT = "agnes.admin@demo.consult.example"
ANONYMOUS_ONLY = {"/connexion", "/inscription"}
SAMPLE = [path for _, path in load().sample]
THEMES = pytest.mark.parametrize("theme", ["neutral", "dsfr"])
SCHEMES = pytest.mark.parametrize("scheme", ["light", "dark"])

CONTRAST_JS = """(() => {
  function parse(c) {
    const m = c && c.match(/rgba?\\(([^)]+)\\)/);
    if (!m) { return null; }
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  }
  function blend(top, bottom) {
    const a = top.a;
    return {r: top.r * a + bottom.r * (1 - a), g: top.g * a + bottom.g * (1 - a),
            b: top.b * a + bottom.b * (1 - a), a: 1};
  }
  function luminance(c) {
    const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  }
  function background(el) {
    const layers = [];
    for (let n = el; n; n = n.parentElement) {
      const c = parse(getComputedStyle(n).backgroundColor);
      if (c && c.a > 0) { layers.push(c); if (c.a >= 1) { break; } }
    }
    let base = {r: 255, g: 255, b: 255, a: 1};
    for (let i = layers.length - 1; i >= 0; i--) { base = blend(layers[i], base); }
    return base;
  }
  function ratio(fg, bg) {
    const l1 = luminance(blend(fg, bg)), l2 = luminance(bg);
    return (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
  }
  function visible(el) {
    const r = el.getBoundingClientRect();
    return r.width > 2 && r.height > 2 && getComputedStyle(el).visibility !== "hidden";
  }
  window.consultContrast = {parse, background, ratio, visible};
})()"""

SECONDARY_TEXT_JS = """() => {
  const {parse, background, ratio, visible} = window.consultContrast;
  const found = [];
  const selectors = ".c-field__hint, .fr-hint-text, .c-small, .c-card__meta, .c-card__kicker," +
    " .c-brand__tagline, .fr-header__service-tagline, .c-figures dt, .c-meta, small";
  for (const el of document.querySelectorAll(selectors)) {
    if (!visible(el) || !el.textContent.trim()) { continue; }
    const value = ratio(parse(getComputedStyle(el).color), background(el));
    if (value < 4.5) { found.push(`${el.className || el.tagName}: ${value.toFixed(2)}`); }
  }
  for (const el of document.querySelectorAll("input[placeholder], textarea[placeholder]")) {
    if (!visible(el)) { continue; }
    const value = ratio(parse(getComputedStyle(el, "::placeholder").color), background(el));
    if (value < 4.5) { found.push(`placeholder of #${el.id}: ${value.toFixed(2)}`); }
  }
  return found;
}"""

FIELD_EDGES_JS = """() => {
  const {parse, background, ratio, visible} = window.consultContrast;
  const found = [];
  for (const el of document.querySelectorAll("main input:not([type=hidden]):not([type=checkbox]):not([type=radio]), main textarea, main select")) {
    if (!visible(el)) { continue; }
    const style = getComputedStyle(el);
    const edge = parseFloat(style.borderBottomWidth) >= 1 ? parse(style.borderBottomColor)
      : parse(style.boxShadow);
    const around = background(el.parentElement), inside = background(el);
    const value = edge ? Math.min(ratio(edge, around), ratio(edge, inside)) : 0;
    if (value < 3) { found.push(`#${el.id}: ${value.toFixed(2)}`); }
  }
  return found;
}"""

FOCUS_RING_JS = """() => {
  const {parse, background, ratio} = window.consultContrast;
  const el = document.activeElement;
  if (!el || el === document.body) { return "nothing focused"; }
  // the ring is on the control, or on a box around it that shows :focus-within,
  // or on its ::before, stretched over the card (DSFR's .fr-enlarge-link)
  let ringed = el, style = getComputedStyle(el);
  const before = getComputedStyle(el, "::before");
  if (before.content !== "none" && before.outlineStyle !== "none" && parseFloat(before.outlineWidth) >= 2) {
    style = before;
  } else for (let n = el, depth = 0; n && depth < 4; n = n.parentElement, depth++) {
    const s = getComputedStyle(n);
    if (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2) { ringed = n; style = s; break; }
  }
  if (style.outlineStyle === "none" || parseFloat(style.outlineWidth) < 2) {
    return `${el.tagName} « ${el.textContent.trim().slice(0, 30)} »: outline ${style.outlineStyle} ${style.outlineWidth}`;
  }
  const value = ratio(parse(style.outlineColor), background(ringed.parentElement));
  return value >= 3 ? "" : `${el.tagName} « ${el.textContent.trim().slice(0, 30)} »: ring ${value.toFixed(2)}`;
}"""

ACCESSIBLE_NAMES_JS = """() => {
  function name(el) {
    if (el.getAttribute("aria-label")) { return el.getAttribute("aria-label"); }
    const by = el.getAttribute("aria-labelledby");
    if (by) { return by.split(/\\s+/).map(id => (document.getElementById(id) || {}).textContent || "").join(" "); }
    return el.textContent;
  }
  const out = [];
  for (const el of document.querySelectorAll("a[href], button")) {
    const r = el.getBoundingClientRect();
    if (el.closest("[hidden]") || (r.width === 0 && r.height === 0 && !el.closest(".c-skiplinks"))) { continue; }
    out.push({tag: el.tagName, name: name(el).replace(/\\s+/g, " ").trim(),
              target: el.tagName === "A" ? el.getAttribute("href")
                : (el.form ? el.form.getAttribute("action") + "|" + (el.value || "") : "")});
  }
  return out;
}"""


def _context(chromium, **options):
    options.setdefault("locale", "fr-FR")
    options.setdefault("viewport", {"width": 1280, "height": 900})
    return chromium.new_context(**options)


def _sample_pages(page, base: str, extra: tuple[str, ...] = ()):
    """Opens every page of the sample in turn, and yields its path once it is shown:
    the anonymous ones signed out, then the rest (and ``extra``) signed in as an agent
    (who sees the workspace, moderation and editor pages)."""
    for path in SAMPLE:
        if path in ANONYMOUS_ONLY:
            page.goto(base + path)
            yield path
    sign_in(page, base, AGENT)
    for path in [p for p in SAMPLE if p not in ANONYMOUS_ONLY] + list(extra):
        page.goto(base + path)
        yield path


@THEMES
@SCHEMES
def test_secondary_text_and_placeholders_are_legible_in_every_scheme(live_servers, chromium,
                                                                     theme, scheme):
    base = live_servers(theme)["url"]
    context = _context(chromium, color_scheme=scheme)
    page = context.new_page()
    failures = []
    for path in ["/", "/defis", "/idees/1", "/inscription", "/connexion", "/recherche?q=cantine"]:
        page.goto(base + path)
        page.evaluate(CONTRAST_JS)
        failures += [f"{path}: {f}" for f in page.evaluate(SECONDARY_TEXT_JS)]
    context.close()
    assert not failures, failures


@THEMES
@SCHEMES
def test_field_borders_and_focus_ring_stand_out_in_every_scheme(live_servers, chromium,
                                                                theme, scheme):
    base = live_servers(theme)["url"]
    context = _context(chromium, color_scheme=scheme)
    page = context.new_page()
    failures = []
    for path in ["/inscription", "/recherche?q=cantine"]:
        page.goto(base + path)
        page.evaluate(CONTRAST_JS)
        failures += [f"{path} field {f}" for f in page.evaluate(FIELD_EDGES_JS)]
    for path, stops in [("/", 12), ("/inscription", 10)]:
        page.goto(base + path)
        page.evaluate(CONTRAST_JS)
        for _ in range(stops):
            page.keyboard.press("Tab")
            problem = page.evaluate(FOCUS_RING_JS)
            if problem:
                failures.append(f"{path} focus {problem}")
    context.close()
    assert not failures, failures


def test_every_data_table_has_a_caption_and_column_headers(live_server, chromium):
    context = _context(chromium)
    page = context.new_page()
    failures, tables = [], 0
    for path in _sample_pages(page, live_server["url"]):
        found = page.evaluate("""() => [...document.querySelectorAll('table')].map(t => ({
            caption: (t.caption ? t.caption.textContent : '').trim(),
            headers: [...t.querySelectorAll('thead th')].map(th => th.getAttribute('scope')),
            cells: t.querySelectorAll('tbody td').length}))""")
        tables += len(found)
        captions = [t["caption"] for t in found]
        for table in found:
            if not table["caption"]:
                failures.append(f"{path}: a table without caption")
            if not table["headers"] or set(table["headers"]) != {"col"}:
                failures.append(f"{path}: « {table['caption']} » headers {table['headers']}")
        failures += [f"{path}: two tables titled « {c} »" for c in set(captions)
                     if captions.count(c) > 1]
    context.close()
    assert tables >= 10 and not failures, (tables, failures)


def test_links_and_buttons_that_look_alike_name_what_they_act_on(live_server, chromium):
    """Two links with the same accessible name go to the same place; two buttons with
    the same name do the same thing (RGAA 6.1, 11.9)."""
    context = _context(chromium)
    page = context.new_page()
    failures = []
    for path in _sample_pages(page, live_server["url"], ("/idees/2",)):
        targets = defaultdict(set)
        for control in page.evaluate(ACCESSIBLE_NAMES_JS):
            if not control["name"]:
                failures.append(f"{path}: a {control['tag']} without a name")
            targets[(control["tag"], control["name"])].add(control["target"])
        failures += [f"{path}: « {name} » ({tag}) leads to {sorted(where)}"
                     for (tag, name), where in targets.items() if len(where) > 1]
    context.close()
    assert not failures, failures


def test_every_page_of_the_sample_is_well_formed(live_server, chromium):
    """RGAA 8.1, 8.2, 13.2: the document type, a strict HTML5 parse without error, ids
    used once, and no link opening a new window."""
    html5lib = pytest.importorskip("html5lib")
    context = _context(chromium)
    page = context.new_page()
    failures = []
    for path in _sample_pages(page, live_server["url"]):
        source = page.request.get(page.url).text()
        if not source.lower().startswith("<!doctype html>"):
            failures.append(f"{path}: no HTML5 document type")
        parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
        try:
            parser.parse(source)
        except html5lib.html5parser.ParseError as error:
            line = source.splitlines()[parser.errors[-1][0][0] - 1] if parser.errors else ""
            failures.append(f"{path}: {error} near {line.strip()[:120]!r}")
        duplicated = page.evaluate("""() => { const seen = {}, twice = [];
            for (const el of document.querySelectorAll('[id]')) {
              if (seen[el.id]) { twice.push(el.id); } seen[el.id] = true; }
            return twice; }""")
        if duplicated:
            failures.append(f"{path}: ids used twice {duplicated}")
        if page.locator("a[target=_blank], form[target=_blank]").count():
            failures.append(f"{path}: a link opens a new window")
    context.close()
    assert not failures, failures


def test_page_titles_are_unique_and_say_where_one_is(live_server, chromium):
    context = _context(chromium)
    page = context.new_page()
    titles = {}
    extra = ["/idees/2", "/defis/simplifier-la-demande-de-carte-d-identite/modifier",
             "/espace/departement-du-val-d-oise-demo/membres"]
    for path in _sample_pages(page, live_server["url"], extra):
        titles[path] = page.title()
    context.close()
    assert all(re.fullmatch(r".+ — Consult", t) for t in titles.values()), titles
    seen = defaultdict(list)
    for path, title in titles.items():
        seen[title].append(path)
    assert not [paths for paths in seen.values() if len(paths) > 1], seen


@THEMES
def test_user_content_keeps_its_language_in_the_english_interface(live_servers, chromium,
                                                                  theme):
    """RGAA 8.7: French texts people wrote are read in French by a screen reader set to
    the English interface."""
    base = live_servers(theme)["url"]
    context = _context(chromium, locale="en-GB")
    context.add_cookies([{"name": "consult_lang", "value": "en", "url": base}])
    page = context.new_page()
    language_of = "el => (el.querySelector('[lang]') || el.closest('[lang]')).lang"
    page.goto(base + "/defis/simplifier-la-demande-de-carte-d-identite")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.locator("h1").evaluate(language_of) == "fr"
    assert page.locator("article.c-idea-card h3").first.evaluate(language_of) == "fr"
    page.goto(base + "/idees/1")
    assert page.locator("h1").evaluate(language_of) == "fr"
    assert page.locator(".c-prose").first.evaluate(language_of) == "fr"
    assert page.locator("nav#navigation a").first.evaluate(language_of) == "en"
    context.close()


def test_lists_of_cards_are_lists(live_server, chromium):
    context = _context(chromium)
    page = context.new_page()
    loose = []
    cards = 0
    for path in ["/", "/defis", "/cahiers", "/defis/simplifier-la-demande-de-carte-d-identite",
                 "/recherche?q=cantine"]:
        page.goto(live_server["url"] + path)
        found = page.evaluate("""() => [...document.querySelectorAll('main article.c-card, main article.c-idea-card')]
            .map(a => a.parentElement.tagName + '>' + (a.parentElement.parentElement || {}).tagName)""")
        cards += len(found)
        loose += [f"{path}: {f}" for f in found if f not in ("LI>UL", "LI>OL")]
    context.close()
    assert cards >= 10 and not loose, loose


@THEMES
def test_text_at_200_percent_needs_no_sideways_scrolling(live_servers, chromium, theme):
    """RGAA 10.4: every character twice as large (the root size doubled, which the
    layout's rem and em follow), in a 1024 px window: nothing wider than the window."""
    base = live_servers(theme)["url"]
    context = _context(chromium, viewport={"width": 1024, "height": 768})
    page = context.new_page()
    too_wide = []
    for path in _sample_pages(page, base):
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 1024:
            too_wide.append(f"{path}: {width} px")
    context.close()
    assert not too_wide, too_wide


@THEMES
def test_agents_pages_fit_at_400_percent_zoom(live_servers, chromium, theme):
    """RGAA 10.11 and 13.9: a 1280 × 1024 window zoomed to 400 % is 320 × 256 CSS px:
    the agents' pages (editor, workspace, dashboard, moderation) need no sideways
    scrolling either (the anonymous and citizen pages: test_reflow)."""
    context = _context(chromium, viewport={"width": 320, "height": 256})
    page = context.new_page()
    too_wide = []
    extra = ["/cahiers/1/modifier", "/espace/departement-du-val-d-oise-demo/defis/nouveau",
             "/espace/departement-du-val-d-oise-demo/membres"]
    for path in _sample_pages(page, live_servers(theme)["url"], extra):
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            too_wide.append(f"{path}: {width} px")
    context.close()
    assert not too_wide, too_wide


TEXT_SPACING_JS = """() => {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync("* { line-height: 1.5 !important; letter-spacing: 0.12em !important;" +
                    " word-spacing: 0.16em !important; } p { margin-bottom: 2em !important; }");
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  const clipped = [];
  for (const el of document.querySelectorAll("body *")) {
    const style = getComputedStyle(el);
    const clips = ["hidden", "clip"].includes(style.overflowX) || ["hidden", "clip"].includes(style.overflowY);
    if (!clips || el.clientWidth <= 2 || el.clientHeight <= 2 || !(el.innerText || "").trim()) { continue; }
    if (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1) {
      clipped.push(`${el.tagName}.${el.className}`);
    }
  }
  return {clipped, width: document.documentElement.scrollWidth};
}"""


@THEMES
def test_text_spacing_loses_nothing(live_servers, chromium, theme):
    """RGAA 10.12 (WCAG 1.4.12): line height 1.5, paragraphs 2 em apart, letters 0.12 em
    and words 0.16 em: no text cut off, nothing wider than the window, on a desktop and
    on a phone."""
    base = live_servers(theme)["url"]
    failures = []
    for width in (1280, 375):
        context = _context(chromium, viewport={"width": width, "height": 800})
        page = context.new_page()
        for path in _sample_pages(page, base):
            found = page.evaluate(TEXT_SPACING_JS)
            if found["clipped"] or found["width"] > width:
                failures.append(f"{width} {path}: {found}")
        context.close()
    assert not failures, failures


def test_every_group_of_fields_has_a_legend(live_server, chromium):
    context = _context(chromium)
    page = context.new_page()
    failures, groups = [], 0
    for path in _sample_pages(page, live_server["url"], ("/cahiers/1/volontaire",)):
        found = page.evaluate("""() => {
            const names = {};
            for (const el of document.querySelectorAll('main input[type=radio], main input[type=checkbox]')) {
              if (el.name) { (names[el.form ? el.form.getAttribute('action') + '|' + el.name : el.name] ||= []).push(el); } }
            return Object.entries(names).filter(([, els]) => els.length > 1).map(([name, els]) => {
              const set = els[0].closest('fieldset');
              const legend = set && set.querySelector('legend');
              return {name, legend: legend ? legend.textContent.trim() : '',
                      together: els.every(e => e.closest('fieldset') === set)};
            }); }""")
        groups += len(found)
        failures += [f"{path}: {g}" for g in found if not g["legend"] or not g["together"]]
    context.close()
    assert groups >= 1 and not failures, (groups, failures)


def test_required_fields_say_so_in_words(live_server, chromium):
    """RGAA 11.10: what the browser knows as required, the label says in words."""
    context = _context(chromium)
    page = context.new_page()
    failures, required = [], 0
    extra = ("/espace/departement-du-val-d-oise-demo/defis/nouveau", "/cahiers/1/volontaire")
    for path in _sample_pages(page, live_server["url"], extra):
        found = page.evaluate("""() => [...document.querySelectorAll('main [required]')].map(el => {
            const label = el.id && document.querySelector(`label[for="${el.id}"]`);
            const legend = el.closest('fieldset') && el.closest('fieldset').querySelector('legend');
            return {id: el.id, label: ((label || legend || {}).textContent || '').trim()}; })""")
        required += len(found)
        failures += [f"{path}: #{f['id']} « {f['label']} »" for f in found
                     if "obligatoire" not in f["label"]]
    context.close()
    assert required >= 5 and not failures, (required, failures)


def test_an_error_brings_the_person_to_it(live_server, chromium):
    """RGAA 11.10: a refused form, small or large, names the error in the page's title,
    sums it up where the focus lands, and ties it to its field; once a preview shows
    the person fixed it, the old messages are gone."""
    base = live_server["url"]
    context = _context(chromium)
    page = context.new_page()
    sign_in(page, base, "camille@demo.consult.example")
    # a small form: an empty comment (on a challenge still open: the journeys close one)
    page.goto(base + "/defis/mieux-informer-les-familles-sur-les-transports-scolaires")
    page.goto(base + page.locator("main a[href^='/idees/']").first.get_attribute("href"))
    with page.expect_navigation():
        page.get_by_role("button", name="Publier le commentaire").click()
    assert page.title().startswith("Erreur")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    # a large one: the proposal, refused, then fixed and previewed in place
    page.goto(base + "/defis/mieux-informer-les-familles-sur-les-transports-scolaires/proposer")
    with page.expect_navigation():
        page.click("button[value=submit]")
    assert page.title().startswith("Erreur")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert page.get_attribute("#title", "aria-invalid") == "true"
    page.fill("#title", "Un plan des arrêts de car imprimé pour chaque famille")
    page.fill("#body", "Un plan papier des arrêts, envoyé à la rentrée avec les horaires.")
    page.click("button[value=preview]")
    page.locator("[data-preview]").wait_for()
    assert page.evaluate("document.activeElement.hasAttribute('data-preview')")
    assert page.locator("#error-summary").count() == 0
    assert page.locator(".c-field--error, [id$='-error']").count() == 0
    assert page.get_attribute("#title", "aria-invalid") is None
    assert not page.title().startswith("Erreur")
    context.close()


def test_personal_fields_declare_their_purpose(live_server, chromium):
    """RGAA 11.13: the browser can fill in what a person already told it."""
    base = live_server["url"]
    context = _context(chromium)
    page = context.new_page()
    purposes = {}
    for path in ["/inscription", "/connexion"]:
        page.goto(base + path)
        purposes[path] = page.evaluate(
            "() => Object.fromEntries([...document.querySelectorAll('main form.c-form input:not([type=hidden])')]"
            ".map(el => [el.id, el.getAttribute('autocomplete')]))")
    sign_in(page, base, "camille@demo.consult.example")
    page.goto(base + "/compte")
    purposes["/compte"] = {"display_name": page.get_attribute("#display_name", "autocomplete")}
    context.close()
    assert purposes == {
        "/inscription": {"display_name": "nickname", "email": "email",
                         "password": "new-password"},
        "/connexion": {"email": "email", "password": "current-password"},
        "/compte": {"display_name": "nickname"}}


@THEMES
def test_skip_link_is_the_first_stop_and_is_seen(live_servers, chromium, theme):
    """RGAA 12.7: the first Tab shows « Aller au contenu » in full, above any header,
    and following it puts the focus on the main content."""
    base = live_servers(theme)["url"]
    for width in (1280, 320):
        context = _context(chromium, viewport={"width": width, "height": 700})
        page = context.new_page()
        page.goto(base + "/defis")
        page.keyboard.press("Tab")
        link = page.evaluate("""() => { const el = document.activeElement, r = el.getBoundingClientRect();
            const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
            return {text: el.textContent.trim(), seen: top === el || el.contains(top),
                    inside: r.top >= 0 && r.left >= 0 && r.right <= innerWidth}; }""")
        assert link == {"text": "Aller au contenu", "seen": True, "inside": True}, (width, link)
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "contenu"
        context.close()


def test_tab_goes_through_every_page_without_a_trap(live_server, chromium):
    """RGAA 12.9: pressing Tab long enough reaches the last control of the page, past
    every form, editor and table region on the way."""
    context = _context(chromium)
    page = context.new_page()
    trapped = []
    for path in _sample_pages(page, live_server["url"]):
        last = page.evaluate("""() => { const all = [...document.querySelectorAll(
            'a[href], button, input:not([type=hidden]), select, textarea, [tabindex="0"], summary')]
            .filter(el => !el.disabled && el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden');
            const el = all[all.length - 1]; el.dataset.lastStop = '1';
            // a date and time field is one Tab stop per part (day, month, year, hour, minute,
            // and the period where the locale has one)
            return all.length + 6 * document.querySelectorAll('input[type=datetime-local], input[type=date]').length; }""")
        for _ in range(last + 5):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.dataset.lastStop === '1'"):
                break
        else:
            trapped.append(f"{path}: stuck at {page.evaluate('document.activeElement.outerHTML')[:100]}")
    context.close()
    assert not trapped, trapped


@THEMES
def test_the_header_on_a_phone_shows_the_account_links_once(live_servers, chromium, theme):
    """The DSFR header at 320 px showed « Mon compte » twice (issue 15); in both themes,
    with and without JavaScript, each account control is there once, reachable by Tab."""
    base = live_servers(theme)["url"]
    for javascript in (True, False):
        context = _context(chromium, viewport={"width": 320, "height": 720},
                           java_script_enabled=javascript)
        page = context.new_page()
        sign_in(page, base, AGENT)
        page.goto(base + "/defis")
        page.wait_for_load_state("load")
        account = page.locator("header a[href='/compte']:visible")
        logout = page.locator("header form[action='/deconnexion'] button:visible")
        assert (account.count(), logout.count()) == (1, 1), (theme, javascript)
        reached = set()
        for _ in range(40):
            page.keyboard.press("Tab")
            reached.add(page.evaluate("document.activeElement.textContent.trim()"))
        assert "Se déconnecter" in reached and any(r.startswith("Mon compte") for r in reached)
        context.close()
