# chaosgen: Jupyter Notebook + GoNB (Go kernel) + this repository, ready to run
# the notebooks that reproduce Fournier & Urbani (2024).
#
#   docker build -t chaosgen .                          # CPU (OpenBLAS)
#   docker build --build-arg CUDA=1 -t chaosgen:cuda .  # + CUDA 11.8 from Debian non-free
#   docker run --rm -p 8888:8888 chaosgen               # Jupyter: open the printed URL
#   docker run --rm chaosgen chaosgen train ...         # the CLI instead of Jupyter
#   docker run --rm --gpus all chaosgen:cuda chaosgen ...  # the CUDA build on a GPU host
#
# The project's own tools are installed by scripts/install.sh, the same script that
# the README and CI (.ci/run) use; tini and, with CUDA=1, the CUDA packages are
# installed here with apt-get, and no CI check runs them (Docker cannot run there).
# scripts/check-dockerfile.sh lints this file in CI.
FROM golang:1.26-bookworm

# CUDA=1: enable Debian contrib/non-free, install the CUDA headers and libraries,
# and build the CLI with -tags cuda.
ARG CUDA=0

ENV DEBIAN_FRONTEND=noninteractive \
    CHAOSGEN_DATA=/data \
    PYDEVD_DISABLE_FILE_VALIDATION=1

# System packages, Jupyter, GoNB and goimports. gonb and goimports go to
# /usr/local/bin and the kernel spec to /usr/local/share/jupyter, so that the
# non-root user below sees them.
# install.sh reads the Go version from the go.mod beside it.
COPY go.mod scripts/install.sh /tmp/chaosgen/
RUN set -eux; \
    if [ "$CUDA" = 1 ]; then \
        sed -i -E 's/^Components: main$/Components: main contrib non-free/' /etc/apt/sources.list.d/debian.sources; \
    fi; \
    apt-get update -qq; \
    GOBIN=/usr/local/bin JUPYTER_DATA_DIR=/usr/local/share/jupyter /tmp/chaosgen/install.sh all; \
    apt-get install -y -qq --no-install-recommends tini; \
    if [ "$CUDA" = 1 ]; then \
        apt-get install -y -qq --no-install-recommends nvidia-cuda-dev libcuda1; \
    fi; \
    rm -rf /var/lib/apt/lists/* /tmp/chaosgen /root/.cache/go-build "$(go env GOMODCACHE)"

# A non-root user that owns the source, the data and its Go caches.
RUN useradd --create-home --uid 1000 --shell /bin/bash chaos && \
    install -d -o chaos -g chaos /src /data
ENV HOME=/home/chaos \
    GOPATH=/home/chaos/go \
    GOCACHE=/home/chaos/.cache/go-build \
    PATH=/home/chaos/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
WORKDIR /src
USER chaos

# Modules first, so that a source change does not download them again.
COPY --chown=chaos:chaos go.mod go.sum ./
RUN go mod download

COPY --chown=chaos:chaos . .
RUN set -eux; \
    tags=""; if [ "$CUDA" = 1 ]; then tags="-tags=cuda"; fi; \
    go build $tags -o /home/chaos/go/bin/chaosgen ./cmd/chaosgen
USER root
RUN install -m 0755 /home/chaos/go/bin/chaosgen /usr/local/bin/chaosgen && \
    rm /home/chaos/go/bin/chaosgen
USER chaos

# The data sets (into $CHAOSGEN_DATA), then one quick run of every notebook to
# warm the Go build cache: the first cell of a fresh kernel compiles in seconds.
RUN chaosgen data fetch
RUN CHAOSGEN_QUICK=1 scripts/run-notebooks.sh /tmp/warm && rm -rf /tmp/warm

EXPOSE 8888
ENTRYPOINT ["tini", "--"]
CMD ["jupyter", "notebook", "--ip=0.0.0.0", "--port=8888", "--no-browser", "--notebook-dir=/src/notebooks"]
