# A small image: python slim, non-root, catalogs compiled at build time, data as a volume.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    BOT_KNOWLEDGE_DIR=/app/knowledge BOT_LOCALES_DIR=/app/locales BOT_DATA_DIR=/data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY knowledge ./knowledge
COPY locales ./locales
RUN pip install --no-cache-dir . \
 && pybabel compile -d locales -D messages \
 && python -m bot kb check \
 && useradd --system --uid 10001 --home-dir /nonexistent sahabat \
 && mkdir -p /data && chown sahabat /data

USER sahabat
VOLUME ["/data"]
CMD ["python", "-m", "bot", "run"]
