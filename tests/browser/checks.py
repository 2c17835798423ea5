"""What a page in the browser must not do: be wider than the screen, or show a code where a name belongs.

Used by the crawl (:mod:`tests.browser.test_crawl`) and the journeys at three languages and two
widths (:mod:`tests.browser.test_journeys_at_widths`); :mod:`tests.browser.test_checks` proves each
check on a small page that has the problem.

- :func:`overflow` — ``document.documentElement.scrollWidth > window.innerWidth``, with the elements
  that stick out: those whose right edge passes the viewport while their parent's does not (the
  outermost culprits, widest first), leaving out what a scrolling or clipping box contains (a wide
  table in an ``overflow-x: auto`` wrapper is the intended pattern, not a fault).
- :func:`raw_codes` — visible text nodes (option labels included) whose trimmed text is exactly a
  code: a value of a ``choices`` field of our models (right types, CISAC roles, performer roles,
  statuses, kinds), a language code, a term-of-protection basis, an import problem or history reason
  code, a list of bare area numbers ("1, 7"), a Python repr (True, False, None) or an object reference
  ("Work #12", "Work object (12)"). A code is fine when the block that holds it (the nearest
  ancestor that is not inline) also shows its name, as in "Performing right (PR)"; text marked up as
  code (``<code>``, ``<kbd>``, ``<samp>``, as in a file format's description) is a code on purpose.
  Identifiers (ISWC, IPI, ISRC, IBAN) match none of these.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.utils import translation
from django.utils.translation import get_language_info

from tests import factories as f

#: The widths every journey runs at: a laptop and a phone.
WIDE, PHONE = 1366, 390
LANGUAGES = ("kk", "ru", "en")
#: Our apps (the choices of library models, allauth's or pghistory's, are not ours to name).
OUR_MODULES = ("udp.", "registers.", "accreditation.", "licensing.", "distribution.", "reporting.")
TIMEOUT_MS = 15_000


# --- the vocabulary of codes ------------------------------------------------------------------------


@dataclass
class Code:
    """A code a page may show by mistake: where it comes from, and the names that should stand for it."""

    sources: list[str] = field(default_factory=list)
    names: set[str] = field(default_factory=set)
    any_case: bool = False  # "kk" shown as "KK", "pending" as "PENDING" or "Pending"


def _names(label: Any) -> set[str]:
    names = set()
    for language in LANGUAGES:
        with translation.override(language):
            names.add(str(label))
    return names


def _add(codes: dict[str, Code], value: str, source: str, names: set[str]) -> None:
    if not value or (names and all(re.search(rf"\b{re.escape(value)}\b", n, re.I) for n in names)):
        return  # its name in every language is the code itself (CSV, "CSV template"): showing it is naming it
    code = codes.setdefault(value, Code())
    code.sources.append(source)
    code.names |= names
    code.any_case = code.any_case or value == value.lower()


@cache
def code_vocabulary() -> dict[str, Code]:
    """Every code of the platform that has a name: collected, never listed by hand."""
    from registers.importing import problems
    from registers.term import Basis
    from udp import audit

    codes: dict[str, Code] = {}
    for model in apps.get_models():
        if not model.__module__.startswith(OUR_MODULES) or model.__name__.endswith("Event"):
            continue  # (the history's event tables repeat the choices of the tables they track)
        for fld in model._meta.get_fields():
            choices = getattr(fld, "choices", None) or getattr(
                getattr(fld, "base_field", None), "choices", None
            )
            for value, label in choices or ():
                if isinstance(value, str):
                    _add(codes, value, f"{model.__name__}.{fld.name}", _names(label))
    for language, _name in settings.LANGUAGES:
        info = get_language_info(language)
        names = {info["name"], info["name_local"]} | _names(info["name_translated"])
        _add(codes, language, "language code", names)
    for attribute, value in vars(Basis).items():
        if attribute.isupper() and isinstance(value, str):
            _add(codes, value, "term of protection basis", set())
    for value in problems.MESSAGES:
        _add(codes, value, "import problem code", set())
    for value in audit.MESSAGES:
        _add(codes, value, "history reason code", set())
    return codes


#: Text that is never a name, whatever the page: Python reprs, bare area numbers, object references.
PATTERNS = {
    "Python value": r"^(True|False|None|\[\]|\{\})$|<QuerySet|object at 0x",
    "bare area numbers": r"^\d{1,2}([,;] \d{1,2})+$",  # "1, 7" (not "40,00", a Kazakh decimal)
    "object reference": r"\b[A-Z][A-Za-z]+ object \(\d+\)|(^|\s)[^\s#№]+ #\d+\b",
}


# --- the checks, run in the page -------------------------------------------------------------------

_OVERFLOW_JS = """
() => {
  const vw = window.innerWidth, root = document.documentElement, body = document.body;
  const result = {scrollWidth: root.scrollWidth, innerWidth: vw, culprits: []};
  if (root.scrollWidth <= vw) return result;
  const clips = (el) => {  // a scrolling or clipping box between el and the page contains its overflow
    for (let a = el.parentElement; a && a !== body && a !== root; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') return true;
    }
    return false;
  };
  const out = (el) => el.getBoundingClientRect().right > vw + 0.5 && !clips(el);
  const describe = (el) => {
    let d = el.tagName.toLowerCase();
    if (el.id) d += '#' + el.id;
    for (const c of [...el.classList].slice(0, 3)) d += '.' + c;
    const r = el.getBoundingClientRect();
    const text = (el.innerText || '').trim().replace(/\\s+/g, ' ').slice(0, 50);
    return {what: d, right: Math.round(r.right), width: Math.round(r.width), text};
  };
  const found = [];
  if (body.getBoundingClientRect().right > vw + 0.5) found.push(body);
  for (const el of body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if ((r.width === 0 && r.height === 0) || r.right <= vw + 0.5) continue;
    if (clips(el)) continue;
    const parent = el.parentElement;
    if (parent && out(parent)) continue;  // its parent sticks out too: the parent is the one to name
    found.push(el);
  }
  const groups = new Map();  // elements alike (a column of <dd>s) are named once, with how many stick out
  for (const d of found.map(describe).sort((a, b) => b.width - a.width)) {
    const g = groups.get(d.what);
    if (g) g.count += 1; else groups.set(d.what, {...d, count: 1});
  }
  result.culprits = [...groups.values()].slice(0, 5);
  return result;
}
"""

_CODES_JS = """
([codes, patterns]) => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const skip = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'TEXTAREA', 'CODE', 'KBD', 'SAMP']);
  const compiled = Object.entries(patterns).map(([kind, p]) => [kind, new RegExp(p)]);
  const visible = (el) => {
    const select = el.closest('select');
    const target = select || el;
    return target.checkVisibility({opacityProperty: true, visibilityProperty: true});
  };
  const blockOf = (el) => {
    let box = el;
    while (box.parentElement && box !== document.body && getComputedStyle(box).display.startsWith('inline')) {
      box = box.parentElement;
    }
    return box;
  };
  const describe = (el) => {
    let d = el.tagName.toLowerCase();
    if (el.id) d += '#' + el.id;
    for (const c of [...el.classList].slice(0, 2)) d += '.' + c;
    return d;
  };
  let node;
  while ((node = walker.nextNode())) {
    const text = node.data.trim().replace(/\\s+/g, ' ');
    if (!text || text.length > 80) continue;
    const el = node.parentElement;
    if (!el || skip.has(el.tagName) || el.closest('code, kbd, samp, script, style, template')) continue;
    let kind = null, names = [];
    const lower = text.toLowerCase();
    const exact = Object.hasOwn(codes, text) ? codes[text]
      : (Object.hasOwn(codes, lower) && codes[lower].any_case ? codes[lower] : null);
    if (exact) { kind = exact.sources.join(', '); names = exact.names; }
    else {
      for (const [k, re] of compiled) if (re.test(text)) { kind = k; break; }
    }
    if (!kind || !visible(el)) continue;
    const box = blockOf(el);
    const whole = (box.innerText || box.textContent || '').toLowerCase();
    if (names.some((n) => whole.includes(n.toLowerCase()))) continue;  // shown with its name
    found.push({text, kind, where: describe(el) + (box !== el ? ' in ' + describe(box) : '')});
  }
  return found;
}
"""


def overflow(page: Any) -> dict[str, Any]:
    """``{scrollWidth, innerWidth, culprits}``; culprits only when the page is wider than the viewport."""
    return dict(page.evaluate(_OVERFLOW_JS))


def _vocabulary_for_js() -> dict[str, Any]:
    return {
        value: {"sources": code.sources, "names": sorted(code.names), "any_case": code.any_case}
        for value, code in code_vocabulary().items()
    }


def raw_codes(page: Any) -> list[dict[str, str]]:
    """The visible text nodes that are a bare code: ``[{text, kind, where}]``."""
    return list(page.evaluate(_CODES_JS, [_vocabulary_for_js(), PATTERNS]))


def open_all_details(page: Any) -> int:
    """Open every ``<details>``: what a person sees on opening them is checked too."""
    return int(
        page.evaluate(
            "() => { const d = [...document.querySelectorAll('details:not([open])')];"
            " d.forEach((e) => e.open = true); return d.length; }"
        )
    )


def describe_overflow(result: dict[str, Any]) -> str:
    culprits = "; ".join(
        f"{c['what']}{' ×' + str(c['count']) if c['count'] > 1 else ''} (right edge {c['right']} px, {c['width']} px wide"
        + (f", “{c['text']}”)" if c["text"] else ")")
        for c in result["culprits"]
    )
    return f"{result['scrollWidth']} px wide in a {result['innerWidth']} px viewport" + (
        f"; sticking out: {culprits}" if culprits else ""
    )


def describe_code(found: dict[str, str]) -> str:
    return f"“{found['text']}” ({found['kind']}) in {found['where']}"


# --- signing in, in the browser ---------------------------------------------------------------------


def new_context(browser: Any, base: str, *, language: str, width: int, height: int = 844) -> Any:
    context = browser.new_context(
        locale={"kk": "kk-KZ", "ru": "ru-RU", "en": "en-US"}[language],
        viewport={"width": width, "height": height},
    )
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base}])
    context.set_default_timeout(TIMEOUT_MS)
    return context


def sign_in(page: Any, base: str, user: Any) -> None:
    """Through the sign-in form, and the authenticator code for an account that has one."""
    from allauth.mfa.models import Authenticator

    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", f.PASSWORD)
    page.click("#content form[method=post] button[type=submit]")
    page.wait_for_load_state()
    if Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
        for attempt in range(2):
            if attempt:  # the code's 30 seconds ended on the way, or it was used already: wait for the next
                time.sleep(30.5 - time.time() % 30)
            page.fill("input[name=code]", f.totp_code())
            page.click("#content form[method=post] button[type=submit]")
            page.wait_for_load_state()
            if "/accounts/2fa/authenticate/" not in page.url:
                break
    assert "/accounts/login/" not in page.url and "/accounts/2fa/" not in page.url, page.url


# --- checking a journey at every step -----------------------------------------------------------------


class Journey:
    """Checks every step of a journey: no horizontal overflow, and a screenshot
    ``<artifacts>/journeys/<lang>-<width>-<step>.png``. Problems are collected, then :meth:`assert_fits`
    fails listing all of them (a run shows every step that is too wide, not only the first)."""

    def __init__(self, folder: Path, language: str, width: int, name: str) -> None:
        self.folder, self.language, self.width, self.name = folder, language, width, name
        self.steps: list[str] = []
        self.problems: list[str] = []
        folder.mkdir(parents=True, exist_ok=True)

    def step(self, page: Any, label: str) -> None:
        page.wait_for_load_state()
        step = f"{self.name}-{len(self.steps) + 1:02d}-{label}"
        self.steps.append(step)
        result = overflow(page)
        if result["scrollWidth"] > result["innerWidth"]:
            self.problems.append(f"{step} ({page.url}): {describe_overflow(result)}")
        target = self.folder / f"{self.language}-{self.width}-{step}.png"
        page.screenshot(path=str(target), full_page=True)

    def assert_fits(self) -> None:
        assert self.steps, "no step was checked"
        assert not self.problems, (
            f"{len(self.problems)} of {len(self.steps)} steps are wider than {self.width} px in {self.language}:\n"
            + "\n".join(self.problems)
        )


class CheckedPage:
    """A Playwright page that checks itself (:meth:`Journey.step`) after each navigation, and before
    acting on a page it has not checked yet (a link followed by a click, then a form filled), so the
    journeys' own step functions (:mod:`tests.browser.test_journey`) run unchanged."""

    NAVIGATIONS = ("goto", "wait_for_load_state", "wait_for_url", "wait_for_selector")

    def __init__(self, page: Any, journey: Journey) -> None:
        self._page, self._journey = page, journey
        self._checked = ""

    def _check(self) -> None:
        self._journey.step(self._page, _slug(self._page.url))
        self._checked = self._page.url

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._page, name)
        if not callable(attribute) or name.startswith(("on", "expect", "set_", "evaluate")):
            return attribute

        def checked(*args: Any, **kwargs: Any) -> Any:
            if name not in self.NAVIGATIONS and self._page.url not in (self._checked, "about:blank"):
                self._check()
            result = attribute(*args, **kwargs)
            if name in self.NAVIGATIONS:
                self._check()
            return result

        return checked


class CheckedContext:
    def __init__(self, context: Any, journey: Journey) -> None:
        self._context, self._journey = context, journey

    def __getattr__(self, name: str) -> Any:
        return getattr(self._context, name)

    def new_page(self) -> CheckedPage:
        return CheckedPage(self._context.new_page(), self._journey)


def _slug(url: str) -> str:
    """A file name for the page at ``url``: its path and query, in letters, digits and underscores."""
    from urllib.parse import unquote

    path = unquote(re.sub(r"^https?://[^/]+", "", url)).strip("/")
    return re.sub(r"\W+", "_", path).strip("_")[:80] or "home"
