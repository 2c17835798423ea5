"""The OpenAPI schema class of the project (``REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]``).

Kept apart from :mod:`udp.accounts.api_auth`: DRF imports authentication classes while its own views
module loads, before drf-spectacular's schema module can be imported.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema

from udp.accounts.api_auth import scope_for_schema


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema, with the scope an API key needs on each operation (``x-api-key-scope``;
    ``null``: not open to keys)."""

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        declared, scope = scope_for_schema(self)
        if operation is not None and declared:
            operation["x-api-key-scope"] = scope
            note = f"API keys need the scope `{scope}`." if scope else "Not open to API keys."
            operation["description"] = "\n\n".join(filter(None, [operation.get("description"), note]))
        return operation
