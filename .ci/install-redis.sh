#!/bin/sh
# Installs redis-server for the distributed backend's tests (Debian/Ubuntu). Idempotent.
set -e
command -v redis-server >/dev/null 2>&1 || (apt-get update && apt-get install -y redis-server)
redis-server --version
