# syntax=docker/dockerfile:1
# The dashboard in one container: `streamlit run app.py` on 0.0.0.0:8501 as a non-root user.
# Debian's chromium and fonts are there for the reports (kaleido renders figures with chromium;
# Noto CJK for the Chinese names and reports). See docs/DEPLOY.md; compose.yaml runs several of
# these behind nginx with sticky sessions, sharing one PostgreSQL server for the cities
# (READINESS_DB_URL). Without it the store is a SQLite file in READINESS_STATE_DIR (/app/var):
#   docker run -v readiness-state:/app/var ...   keeps the cities users enter.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    BROWSER_PATH=/usr/bin/chromium \
    READINESS_STATE_DIR=/app/var

RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        chromium fonts-dejavu-core fonts-noto-core fonts-noto-cjk libicu-dev pkg-config g++ \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin app

WORKDIR /app
COPY requirements.txt .
# The store (readiness/store) comes from requirements.txt: SQLAlchemy, Alembic, and psycopg 3
# with its binary wheel (psycopg-binary, which bundles libpq: no Debian libpq needed).
RUN pip install -r requirements.txt

# The code stays root-owned and read-only for the app user; Streamlit writes only under $HOME.
COPY . .

# The state folder is the one place the app user writes (the store's SQLite file when
# READINESS_DB_URL is not set); a named volume mounted there starts owned by the app user.
# `readiness` runs the CLI (the package is not pip-installed: the code is /app).
RUN mkdir -p /app/var && chown app:app /app/var \
    && printf '#!/bin/sh\nexport PYTHONPATH=/app\nexec python -m readiness "$@"\n' \
        >/usr/local/bin/readiness \
    && chmod 755 /usr/local/bin/readiness

USER app
EXPOSE 8501

# Streamlit's own health endpoint (as in Streamlit's Docker tutorial); python, not curl, which
# the slim image lacks.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request as u; sys.exit(u.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).status != 200)"]

CMD ["streamlit", "run", "app.py", "--server.address", "0.0.0.0", "--server.port", "8501", "--server.headless", "true"]
