# Sourced by run.sh and test.sh: a JDK 25 and Maven, a running Docker engine, and the local
# Postgres base image (built once, then cached by tag) exported as OFFSHOOT_BASE_IMAGE.
source scripts/java-env.sh
bash scripts/ensure-docker.sh
OFFSHOOT_BASE_IMAGE="$(bash scripts/build-pg-image.sh)"
export OFFSHOOT_BASE_IMAGE
