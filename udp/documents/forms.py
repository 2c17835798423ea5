from __future__ import annotations

import hashlib
import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

#: A PDF larger than this is not one of ours: refused without reading it whole.
MAX_COMPARE_SIZE = 20 * 1024 * 1024


class CompareForm(forms.Form):
    """A visitor's copy of a document, or its SHA-256, to compare with the one issued."""

    file = forms.FileField(label=_("Your copy of the document (PDF)"), required=False)
    sha256 = forms.CharField(label=_("or its SHA-256"), required=False, max_length=80, strip=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload, typed = data.get("file"), (data.get("sha256") or "").lower().replace(" ", "")
        if upload is None and not typed:
            raise forms.ValidationError(_("Choose the PDF you were given, or paste its SHA-256."))
        if upload is not None:
            if upload.size > MAX_COMPARE_SIZE:
                raise forms.ValidationError(_("This file is too large to be a document of the platform."))
            digest = hashlib.sha256()
            for chunk in upload.chunks():
                digest.update(chunk)
            data["digest"] = digest.hexdigest()
        elif not re.fullmatch(r"[0-9a-f]{64}", typed):
            raise forms.ValidationError(_("A SHA-256 is 64 hexadecimal characters."))
        else:
            data["digest"] = typed
        return data
