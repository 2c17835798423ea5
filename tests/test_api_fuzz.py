"""schemathesis fuzzes every API operation from the OpenAPI schema: never a server error.

Runs through the WSGI application in-process (no server), anonymously and with a rightsholder's
token, a fixed number of derandomized examples per operation, so the run is bounded and repeatable.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.authtoken.models import Token

EXAMPLES_PER_OPERATION = 12


def _fuzz(headers: dict[str, str]) -> tuple[int, list[str]]:
    import schemathesis
    from schemathesis.core.result import Err

    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    calls = 0
    failures: list[str] = []
    for result in schema.get_all_operations():
        if isinstance(result, Err):
            raise result.err()
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            nonlocal calls
            response = case.call(headers=headers)
            calls += 1
            if response.status_code >= 500:
                failures.append(
                    f"{response.status_code} {case.method} {case.formatted_path} {case.query!r:.120}"
                )

        run()
    return calls, failures


@pytest.mark.statute("A9-2.1.9")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("who", ["anonymous", "holder"])
def test_no_api_operation_answers_generated_input_with_a_server_error(personas: Any, who: str) -> None:
    headers = {}
    if who == "holder":
        headers["Authorization"] = f"Token {Token.objects.get_or_create(user=personas.holder)[0].key}"
    calls, failures = _fuzz(headers)
    print(f"schemathesis ({who}): {calls} calls")
    assert calls >= 100
    assert not failures, "\n".join(failures[:30])
