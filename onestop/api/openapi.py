"""The OpenAPI document as committed in `openapi.json`: the one served at
/api/v1/openapi.json, in a stable, diff-friendly layout."""

from __future__ import annotations

import json
from pathlib import Path

from .urls import api

OPENAPI_FILE = Path(__file__).resolve().parent / "openapi.json"


def openapi_text() -> str:
    document = api.get_openapi_schema()
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
