import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from patron.web.body_limit import ChunkedBodyLimit

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "patron.settings")
application = ChunkedBodyLimit(get_wsgi_application(), settings.PATRON_CHUNKED_MAX_BYTES)
