from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def home_view(request):
    """The page after log-in: a picture of the business, as far as the user's role may see it."""
    return render(request, "home/home.html", {})
