"""How an API view runs an action: who may is checked before the input is read, and what the action refuses
answers 400 with its messages (field by field where it names fields), a PermissionError 403."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions


def refused(exc: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(exc.message_dict)
    return exceptions.ValidationError({"detail": exc.messages})


def run(step: Any, *args: Any, **kwargs: Any) -> Any:
    """Call the action ``step``; its refusals become the API's answers."""
    try:
        return step(*args, **kwargs)
    except DjangoValidationError as exc:
        raise refused(exc) from None
    except PermissionError as exc:
        raise exceptions.PermissionDenied(str(exc)) from None


def must(allowed: bool, message: str) -> None:
    """Refuse before reading the input: who may take a step is checked first."""
    if not allowed:
        raise exceptions.PermissionDenied(message)
