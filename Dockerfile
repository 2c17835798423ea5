FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home udp
WORKDIR /app
COPY pyproject.toml README.md ./
COPY udp ./udp
COPY registers ./registers
COPY accreditation ./accreditation
COPY licensing ./licensing
COPY distribution ./distribution
COPY reporting ./reporting
RUN pip install .
COPY . .
RUN DJANGO_SECRET_KEY=build DATABASE_URL=postgres://build@localhost/build python manage.py collectstatic --noinput
# Named volumes start with the owner of their mount point in the image: the app user must own it.
RUN mkdir -p /data/media && chown -R udp:udp /data
USER udp
EXPOSE 8000
CMD ["gunicorn", "udp.wsgi", "--bind", "0.0.0.0:8000", "--workers", "4", "--access-logfile", "-"]
