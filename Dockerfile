# Leerwijzer images: one code base, two targets (see deploy/README.md).
#
#   docker build --target app  -t registry.example.nl/leerwijzer/app:1.0.0 .
#       gateway (python -m bot), action server (python -m actions.server), jobs
#   docker build --target rasa -t registry.example.nl/leerwijzer/rasa:1.0.0 \
#       --build-arg MODEL=models/<the model you tested>.tar.gz .
#       Rasa server with the trained model baked in (train first: `make train`);
#       needs RASA_TOKEN in its environment (docker run -e RASA_TOKEN ...)
#
# Not built on the development machine: it has no container daemon and cannot reach
# the registry the base image comes from. Build it in CI or on a workstation.
# Pin the base image by digest in your registry mirror once you have pulled it
# (python:3.10-slim-bookworm@sha256:...): Rasa 3.6 needs Python 3.10.

# --- build: a venv with the pinned packages and the Dutch spaCy pipeline ------------------
FROM python:3.10.13-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /app
# Requirements first, so a code change does not reinstall 1.5 GB of packages.
COPY requirements.txt constraints.txt ./
RUN pip install "pip<24.1" "setuptools<70" wheel \
 && pip install -r requirements.txt -c constraints.txt
# config.yml loads the pipeline from var/spacy/nl (relative to /app): build it here,
# exactly as scripts/setup.sh does, with nothing downloaded.
COPY scripts/build_spacy_nl.py scripts/
RUN python scripts/build_spacy_nl.py

# --- app: gateway, action server, jobs -----------------------------------------------------
FROM python:3.10.13-slim-bookworm AS app
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    RASA_TELEMETRY_ENABLED=false \
    TF_CPP_MIN_LOG_LEVEL=2 \
    GATEWAY_HOST=0.0.0.0
RUN useradd --create-home --uid 10001 leerwijzer
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY --from=build /app/var/spacy /app/var/spacy
# Only what runs (no tests, benchmarks or models): one COPY per folder, as COPY
# flattens several sources into one.
COPY actions actions
COPY bot bot
COPY database database
COPY knowledge knowledge
COPY locales locales
COPY nlu_components nlu_components
COPY scaleout scaleout
COPY rasa_server rasa_server
COPY config.yml endpoints.yml credentials.yml alembic.ini ./
# The code writes only under var/ (SQLite defaults, advisor password file); in Kubernetes
# that is an emptyDir, so the image itself stays read-only.
RUN mkdir -p /app/var && chown leerwijzer /app/var
USER 10001
EXPOSE 8000 5055
CMD ["python", "-m", "bot"]

# --- rasa: the app image plus one trained model --------------------------------------------
FROM app AS rasa
# A file (models/<name>.tar.gz) or the models/ folder; Rasa loads the newest tarball in it.
ARG MODEL=models
COPY ${MODEL} /app/models/
EXPOSE 5005
# `rasa run` that refuses to start without RASA_TOKEN and gives it to Rasa without putting it
# on the command line, where `ps` shows it (rasa_server/__main__.py). Arguments as for
# `rasa run`, without --auth-token.
ENTRYPOINT ["python", "-m", "rasa_server"]
CMD ["-m", "models", "--enable-api", "-i", "0.0.0.0", "-p", "5005", \
     "--endpoints", "endpoints.yml", "--credentials", "credentials.yml"]
