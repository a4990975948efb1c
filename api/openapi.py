"""Writes the app's OpenAPI document to api/openapi.json: python -m api.openapi."""

import json
from pathlib import Path

from .main import create_app

OPENAPI_JSON = Path(__file__).with_name("openapi.json")


def dump_openapi() -> str:
    """The current schema as the committed file holds it."""
    schema = create_app().openapi()
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def main() -> None:
    OPENAPI_JSON.write_text(dump_openapi(), encoding="utf-8")
    print(f"wrote {OPENAPI_JSON}")


if __name__ == "__main__":
    main()
