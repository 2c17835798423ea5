"""Languages a work or a title can be in: ISO 639-1 codes, as CWR and the register store them, with
their names in the reader's language. The only place a language code becomes a name."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

WORK_LANGUAGES: dict[str, Promise] = {
    "kk": _("Kazakh"),
    "ru": _("Russian"),
    "en": _("English"),
    "uz": _("Uzbek"),
    "ky": _("Kyrgyz"),
    "tt": _("Tatar"),
    "ug": _("Uyghur"),
    "tr": _("Turkish"),
    "uk": _("Ukrainian"),
    "de": _("German"),
    "fr": _("French"),
    "es": _("Spanish"),
    "it": _("Italian"),
    "zh": _("Chinese"),
    "ko": _("Korean"),
    "ja": _("Japanese"),
    "ar": _("Arabic"),
    "fa": _("Persian"),
    "zxx": _("No linguistic content (instrumental)"),
}


def language_name(code: str | None) -> str:
    """The language's name, followed by its code; an unknown code is named as such, never shown alone."""
    if not code:
        return ""
    name = WORK_LANGUAGES.get(code.lower())
    if name is None:
        return f"{_('language code')} {code}"
    return f"{name} ({code.lower()})"


def language_choices(current: str | None = None) -> list[tuple[str, str]]:
    """Choices for a language select: blank, the known languages, and a stored code we do not know."""
    choices: list[tuple[str, str]] = [("", str(_("— not stated —")))]
    choices += [(code, str(name)) for code, name in WORK_LANGUAGES.items()]
    if current and current.lower() not in WORK_LANGUAGES:
        choices.append((current, language_name(current)))
    return choices
