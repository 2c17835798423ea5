import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "udp.settings")

app = Celery("udp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
