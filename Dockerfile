# Sahabat: python slim, numeric non-root user, the dependencies in a layer of their own (from the lock
# file), catalogs compiled and the bundled knowledge base checked at build time, data as a volume.
#
# Behind a package mirror or a proxy (nothing of it stays in the image):
#   docker build --build-arg PIP_INDEX_URL=https://mirror.example/simple \
#                --build-arg HTTPS_PROXY=http://proxy:3128 \
#                --secret id=ca,src=/etc/ssl/certs/corporate-ca.pem -t sahabat .
# HTTP(S)_PROXY and NO_PROXY are Docker's predefined build arguments (kept out of the image history);
# a pip.conf with credentials goes in as a secret too: --secret id=pipconf,src=$HOME/.config/pip/pip.conf
FROM python:3.11-slim

ARG PIP_INDEX_URL
ARG PIP_EXTRA_INDEX_URL
ARG PIP_TRUSTED_HOST
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1

# Dependencies first: this layer is rebuilt only when the lock file changes, not for a code change.
COPY requirements.lock /tmp/requirements.lock
RUN --mount=type=secret,id=ca,required=false --mount=type=secret,id=pipconf,required=false \
    if [ -s /run/secrets/ca ]; then export PIP_CERT=/run/secrets/ca; fi; \
    if [ -s /run/secrets/pipconf ]; then export PIP_CONFIG_FILE=/run/secrets/pipconf; fi; \
    python -m venv /opt/venv \
 && /opt/venv/bin/pip install --no-deps --require-virtualenv -r /tmp/requirements.lock \
 && rm /tmp/requirements.lock
ENV PATH=/opt/venv/bin:$PATH

# One copy of the code, run from /app (`python -m bot`); nothing is built or installed from it.
WORKDIR /app
COPY bot ./bot
COPY knowledge ./knowledge
COPY locales ./locales
# uid 10001 in group 0, and group 0 may write /data: an arbitrary uid in group 0 (OpenShift) works too.
# /app/data points at /data, so a relative BOT_DATA_DIR=data (.env.example) still lands on the volume.
RUN pybabel compile -d locales -D messages \
 && python -m compileall -q bot \
 && python -m bot kb check --strict knowledge \
 && useradd --uid 10001 --gid 0 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin sahabat \
 && mkdir -p /data/knowledge && chown -R 10001:0 /data && chmod -R g=u /data \
 && ln -s /data /app/data

ENV BOT_DATA_DIR=/data
USER 10001
VOLUME ["/data"]
# Webhook mode (TELEGRAM_WEBHOOK_URL) listens here; long polling needs no port.
EXPOSE 8443
# Healthy once a long poll came back from Telegram lately (the heartbeat in /data; see README).
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 CMD ["python", "-m", "bot", "health"]
CMD ["python", "-m", "bot", "run"]
