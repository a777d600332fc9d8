"""What every answer tells the browser, and refused requests logged in one line.

The policy allows scripts, styles, fonts and images from Patron's own origin only: no inline
script, no event handler attribute, no style attribute, no eval (htmx's is off in base.html).
Pages and API answers hold personal data, so none of them is stored by a browser or proxy;
static files, which hold none, keep WhiteNoise's caching.
"""

import logging

from django.conf import settings
from django.utils.cache import patch_cache_control

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in [
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    ]
)


class SecurityHeadersMiddleware:
    """Placed before WhiteNoise, so static files carry the policies too."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.static_prefix = "/" + settings.STATIC_URL.lstrip("/")

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if not request.path.startswith(self.static_prefix):
            patch_cache_control(response, no_store=True)
        return response


class RefusalsInOneLine(logging.Filter):
    """Django logs a refused request (403 from PermissionDenied, 400 from SuspiciousOperation...)
    with the exception's traceback; a refusal is the app working, so it is logged as its one
    line. Server errors (500 and up) keep their traceback."""

    def filter(self, record):
        if getattr(record, "status_code", 500) < 500:
            record.exc_info = None
            record.exc_text = None
        return True
