"""The JavaScript client's generated types (clients/js/schema.d.ts) match this server's schema."""

import shutil
import subprocess
from pathlib import Path

import pytest
from rest_framework.test import APIClient

CLIENT = Path(__file__).resolve().parent.parent / "clients" / "js"


def test_the_client_types_are_generated_from_this_schema():
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is needed for the JavaScript client (Node 20 or later)", pytrace=False)
    schema = APIClient().get("/swagger.json")
    assert schema.status_code == 200

    generated = subprocess.run(
        [node, str(CLIENT / "scripts" / "generate-schema-types.mjs"), "-"],
        input=schema.content,
        capture_output=True,
        check=True,
    ).stdout.decode()

    committed = (CLIENT / "schema.d.ts").read_text()
    assert generated == committed, (
        "clients/js/schema.d.ts differs from the server's /swagger.json: run `make js-types`, "
        "then check that index.d.ts still describes the client"
    )
