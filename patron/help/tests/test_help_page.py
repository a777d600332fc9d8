"""The help page: the guide in the user's language, English when there is none, raw HTML escaped,
only the guide's own images served, and nothing without a log-in."""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils.html import escape

from patron.accounts.services import profile_update
from patron.help.guide import guide_dir, image_file
from patron.web import navigation

REPO_GUIDE = Path(__file__).resolve().parents[3] / "docs" / "guide"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


def first_heading(path):
    return next(
        line[2:].strip() for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("# ")
    )


@pytest.mark.parametrize(
    "username,language",
    [("somchai", "th"), ("lan", "vi"), ("emre", "tr"), ("maria", "fil"), ("somchai", "en")],
)
def test_the_guide_in_the_users_language(client, staff, username, language):
    user = staff(username)
    if language == "en":
        profile_update(user=user, language="en", time_zone="Asia/Bangkok")
    client.force_login(user)
    page = client.get(reverse("help:guide")).content.decode()
    assert f'<article class="guide" id="guide" lang="{language}">' in page
    assert f"<h1>{escape(first_heading(REPO_GUIDE / f'{language}.md'))}</h1>" in page
    # The table of contents links each section's heading.
    anchors = re.findall(r'<li><a href="#([^"]+)">', page)
    assert len(anchors) >= 10
    for anchor in anchors:
        assert f'id="{anchor}"' in page


@pytest.fixture
def guide(tmp_path, settings):
    settings.HELP_GUIDE_DIR = tmp_path
    (tmp_path / "images").mkdir()
    return tmp_path


def test_english_when_the_language_has_no_guide(client, somchai, guide):
    (guide / "en.md").write_text("# The English guide\n\n## First steps\n\nHello.\n", encoding="utf-8")
    client.force_login(somchai)  # Thai, and there is no th.md here
    page = client.get(reverse("help:guide")).content.decode()
    assert "The English guide" in page
    assert 'lang="en"' in page
    assert '<a href="#first-steps">First steps</a>' in page


def test_raw_html_in_the_guide_is_escaped(client, somchai, guide):
    (guide / "th.md").write_text(
        '# คู่มือ\n\n<script>alert("x")</script>\n\nText <img src=x onerror="alert(1)"> and'
        " [a link](javascript:alert(1)).\n",
        encoding="utf-8",
    )
    client.force_login(somchai)
    page = client.get(reverse("help:guide")).content.decode()
    assert "&lt;script&gt;alert" in page
    assert "<script>alert" not in page
    assert "<img src=x" not in page and "&lt;img src=x onerror" in page
    assert 'href="javascript:' not in page


def test_a_plain_message_when_the_guide_is_not_installed(client, somchai, settings, tmp_path):
    settings.HELP_GUIDE_DIR = tmp_path / "absent"
    client.force_login(somchai)
    response = client.get(reverse("help:guide"))
    assert response.status_code == 200
    assert 'id="no-guide"' in response.content.decode()
    assert "docs/guide/" in response.content.decode()


def test_the_guides_images_are_served_with_their_type(client, somchai, guide):
    (guide / "images" / "home.png").write_bytes(PNG)
    (guide / "en.md").write_text("# Guide\n\n![The home page](images/home.png)\n", encoding="utf-8")
    client.force_login(somchai)
    page = client.get(reverse("help:guide")).content.decode()
    src = reverse("help:image", args=["home.png"])
    assert f'src="{src}"' in page
    response = client.get(src)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG


@pytest.mark.parametrize(
    "path",
    [
        "../settings.py",
        "..%2Fsettings.py",
        "%2e%2e%2fsettings.py",
        "%2e%2e%2f%2e%2e%2fen.md",
        "%2Fetc%2Fpasswd",
        "/etc/passwd",
        "..",
        "%2e%2e",
        ".hidden.png",
        "notes.md",
        "missing.png",
        "home.png%00.md",
    ],
)
def test_nothing_outside_the_images_folder_is_served(client, somchai, guide, path):
    (guide / "images" / "home.png").write_bytes(PNG)
    (guide / "en.md").write_text("# Guide\n", encoding="utf-8")
    (guide / "images" / "notes.md").write_text("not an image", encoding="utf-8")
    client.force_login(somchai)
    assert client.get("/help/images/" + path).status_code == 404


def test_image_names_are_plain_file_names_in_the_folder(guide):
    (guide / "images" / "home.png").write_bytes(PNG)
    (guide / "secret.png").write_bytes(PNG)
    assert image_file("home.png") == (guide / "images" / "home.png").resolve()
    for name in ["../secret.png", "/etc/passwd", str(guide / "secret.png"), "..", "a/../home.png", ""]:
        assert image_file(name) is None


def test_the_help_page_and_its_images_need_a_log_in(client, db, guide):
    (guide / "images" / "home.png").write_bytes(PNG)
    for url in [reverse("help:guide"), reverse("help:image", args=["home.png"])]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_help_is_the_last_entry_of_everyones_menu(client, staff):
    for username in ["somchai", "emre"]:
        client.force_login(staff(username))
        page = client.get(reverse("home:index")).content.decode()
        links = re.findall(r'<a (?:[^>]*)href="(/[^"]*)"', page.split("<nav", 1)[1].split("</nav>", 1)[0])
        assert links[-1] == reverse("help:guide"), links
    assert navigation.entries()[-1].name == "help"


def test_the_guide_is_found_beside_the_package(settings):
    assert guide_dir() == settings.BASE_DIR.parent / "docs" / "guide"
