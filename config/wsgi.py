import os

from django.core.wsgi import get_wsgi_application

# A server is production unless told otherwise: started without DJANGO_SETTINGS_MODULE it
# must not run with DEBUG on and the committed development keys (manage.py keeps dev).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_wsgi_application()
