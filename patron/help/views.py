"""The help page: the user guide in the user's language (English when there is none in it)."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.translation import get_language

from patron.help.guide import IMAGE_TYPES, guide_file, image_file
from patron.help.guide import render as render_guide

GUIDE_ADDRESS = "docs/guide/"


@login_required
def guide_view(request):
    path = guide_file(get_language() or "en")
    guide = render_guide(path) if path else None
    return render(request, "help/guide.html", {"guide": guide, "guide_address": GUIDE_ADDRESS})


@login_required
def image_view(request, name):
    path = image_file(name)
    if path is None:
        raise Http404
    return FileResponse(path.open("rb"), content_type=IMAGE_TYPES[path.suffix.lower()])
