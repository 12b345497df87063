"""The recipes in the client docs are the files the tests run, verbatim.

A block preceded by ``<!-- file: PATH -->`` must hold exactly that file of the repository.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["docs/clients.md", "clients/js/README.md"]
INCLUDED = re.compile(r"<!-- file: (?P<path>\S+) -->\n```\w*\n(?P<body>.*?)```\n", re.DOTALL)


def included(page: str) -> list[tuple[str, str]]:
    text = (ROOT / page).read_text()
    blocks = [(m["path"], m["body"]) for m in INCLUDED.finditer(text)]
    assert len(blocks) == text.count("<!-- file: "), f"{page}: a file marker without its block"
    return blocks


@pytest.mark.parametrize("page", PAGES)
def test_every_recipe_block_is_its_file_verbatim(page):
    blocks = included(page)

    assert blocks
    for path, body in blocks:
        assert body == (ROOT / path).read_text(), f"{page}: the block of {path} differs from it"


def test_every_recipe_file_is_on_a_page():
    shown = {path for page in PAGES for path, _ in included(page)}
    recipes = {
        str(path.relative_to(ROOT))
        for folder in ("clients/js/recipes", "docs/recipes")
        for path in (ROOT / folder).iterdir()
    }
    assert recipes <= shown
