# Production image: gunicorn serving Django, static files by whitenoise. See README, "Deployment".
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    STATIC_ROOT=/app/static-collected MEDIA_ROOT=/app/media VAR_DIR=/app/var

WORKDIR /app
COPY pyproject.toml README.md ./
COPY newsroom ./newsroom
COPY articles ./articles
COPY sources ./sources
COPY editors ./editors
RUN pip install .
COPY . .
# Settings read DATABASE_URL but do not connect at import time; a placeholder is enough to collect static files.
RUN DATABASE_URL=postgres://build@localhost/build SECRET_KEY=build python manage.py collectstatic --noinput \
    && useradd --system --home /app newsroom && mkdir -p /app/media /app/var && chown -R newsroom /app/media /app/var
USER newsroom
EXPOSE 8000
# newsroom/gunicorn.py: bind, workers (WEB_CONCURRENCY), timeouts, graceful shutdown, access log with request ids.
CMD ["gunicorn", "-c", "python:newsroom.gunicorn", "newsroom.wsgi:application"]
