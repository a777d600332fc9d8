"""The user guide (docs/guide/<language>.md) as HTML, with a table of contents of its sections.

The guide is Markdown written for shop staff and read on GitHub as well as here, so its images
are relative links into docs/guide/images/; here they are served by the help app's image view.
Raw HTML in the Markdown is escaped, never passed through (the "html" option is off).
"""

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from markdown_it import MarkdownIt

IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp"}
IMAGE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*")


@dataclass(frozen=True)
class Section:
    anchor: str
    title: str


@dataclass(frozen=True)
class Guide:
    """The guide's title, its opening paragraphs (before the first section), its sections as HTML
    and their list, so that the page can show the table of contents between the two."""

    language: str
    title: str
    intro: str
    html: str
    sections: list[Section]


def guide_dir() -> Path:
    """docs/guide beside the patron package (absent from an install without the docs)."""
    return Path(getattr(settings, "HELP_GUIDE_DIR", settings.BASE_DIR.parent / "docs" / "guide"))


def guide_file(language: str) -> Path | None:
    """The guide in ``language`` ("th", "fil", "en-gb" read as "en"), else in English, else None."""
    folder = guide_dir()
    for code in (language, language.split("-")[0], "en"):
        if code and re.fullmatch(r"[a-z]{2,3}", code) and (folder / f"{code}.md").is_file():
            return folder / f"{code}.md"
    return None


def image_file(name: str) -> Path | None:
    """The image docs/guide/images/<name>, only a plain file name of a known type inside it."""
    if not IMAGE_NAME.fullmatch(name) or Path(name).suffix.lower() not in IMAGE_TYPES:
        return None
    folder = (guide_dir() / "images").resolve()
    path = (folder / name).resolve()
    if path.parent != folder or not path.is_file():
        return None
    return path


def slug(text: str) -> str:
    """A heading's anchor as GitHub makes it: letters, marks, digits, _ and -; spaces as -."""
    kept = "".join(char for char in text.lower() if char in " -_" or unicodedata.category(char)[0] in "LMN")
    return kept.replace(" ", "-")


def render(path: Path) -> Guide:
    md = MarkdownIt("commonmark", {"html": False})
    tokens = md.parse(path.read_text(encoding="utf-8"))
    title, sections, used, title_end, first_section = "", [], {}, 0, len(tokens)
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            text = "".join(child.content for child in tokens[index + 1].children or [])
            anchor = slug(text)
            if anchor in used:
                used[anchor] += 1
                anchor = f"{anchor}-{used[anchor]}"
            else:
                used[anchor] = 0
            token.attrSet("id", anchor)
            if token.tag == "h1" and not title:
                title, title_end = text, index + 3  # heading_open, inline, heading_close
            elif token.tag == "h2":
                sections.append(Section(anchor, text))
                first_section = min(first_section, index)
        elif token.type == "inline":
            for child in token.children or []:
                if child.type == "image":
                    src = str(child.attrGet("src") or "")
                    if src.startswith("images/") and "/" not in src.removeprefix("images/"):
                        child.attrSet("src", reverse("help:image", args=[src.removeprefix("images/")]))
                    child.attrSet("loading", "lazy")

    def html(part):
        return md.renderer.render(part, md.options, {})

    if title_end > first_section:  # no title before the first section: show it all as the body
        title, title_end = "", 0
    intro = html(tokens[title_end:first_section])
    return Guide(path.stem, title, intro, html(tokens[first_section:]), sections)
