"""The guide's files as shipped in docs/guide: one per language, each image it shows present and
small, each relative link and anchor pointing at something that exists."""

import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from markdown_it import MarkdownIt

from patron.help.guide import slug

GUIDE = Path(__file__).resolve().parents[3] / "docs" / "guide"
LANGUAGES = ["en", "th", "vi", "tr", "fil"]
MAX_IMAGE_BYTES = 150 * 1024


def links(path):
    """(kind, target) of every link and image of a guide file, and its headings' anchors."""
    found, anchors = [], []
    tokens = MarkdownIt("commonmark").parse(path.read_text(encoding="utf-8"))
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            anchors.append(slug("".join(child.content for child in tokens[index + 1].children)))
        for child in token.children or []:
            if child.type == "image":
                found.append(("image", child.attrGet("src")))
            elif child.type == "link_open":
                found.append(("link", child.attrGet("href")))
    return found, anchors


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_image_and_relative_link_resolves(language):
    path = GUIDE / f"{language}.md"
    found, anchors = links(path)
    images = [target for kind, target in found if kind == "image"]
    assert len(images) >= 5
    for kind, target in found:
        if re.match(r"[a-z]+:", target):
            continue  # an address elsewhere (https:, mailto:)
        file_part, _, anchor = unquote(target).partition("#")  # markdown-it percent-encodes links
        linked = (path.parent / file_part).resolve() if file_part else path
        assert linked.is_file(), f"{path.name}: {target} does not exist"
        if kind == "image":
            assert linked.parent == (GUIDE / "images").resolve(), f"{target} is not in docs/guide/images"
            assert linked.stat().st_size <= MAX_IMAGE_BYTES, f"{target} is over 150 KB"
        if anchor and linked.suffix == ".md":
            assert anchor in links(linked)[1], f"{path.name}: no heading for #{anchor}"


def test_every_language_has_the_english_guides_sections():
    count = len(re.findall(r"^## ", (GUIDE / "en.md").read_text(encoding="utf-8"), flags=re.M))
    assert count >= 10
    for language in LANGUAGES[1:]:
        text = (GUIDE / f"{language}.md").read_text(encoding="utf-8")
        assert len(re.findall(r"^## ", text, flags=re.M)) == count, language


def test_every_image_in_the_folder_is_shown_by_a_guide():
    shown = {
        (GUIDE / target).resolve()
        for language in LANGUAGES
        for kind, target in links(GUIDE / f"{language}.md")[0]
        if kind == "image"
    }
    assert {path.resolve() for path in (GUIDE / "images").iterdir()} == shown
