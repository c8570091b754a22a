# The container engines and the stand's image, for the scripts that build or run it: podman
# (installed when missing), the engine choice, a Docker engine of the script's own, the image.
# Source it after common.sh; it defines functions only.
. scripts/lib/podman-install.sh
. scripts/lib/engine.sh
. scripts/lib/docker-engine.sh
. scripts/lib/image.sh
