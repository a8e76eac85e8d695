#!/bin/sh
# Silo:AdvertisedAddress must be an IP that other silos and the edges can reach. In a container
# that is the container's own address, known only at run time: resolve it here unless it is set
# (Kubernetes hosting, Silo__KubernetesHosting=true, takes the pod IP itself and ignores it).
set -e
if [ -z "${Silo__AdvertisedAddress}" ]; then
    # Docker writes the container's address for its hostname into /etc/hosts; skip loopback.
    Silo__AdvertisedAddress="$(getent ahostsv4 "$(cat /proc/sys/kernel/hostname)" | awk '$1 !~ /^127\./ { print $1; exit }')"
    if [ -z "${Silo__AdvertisedAddress}" ]; then
        echo "silo-entrypoint: could not resolve the container IP; set Silo__AdvertisedAddress" >&2
        exit 1
    fi
    export Silo__AdvertisedAddress
fi
exec dotnet /app/Realtime.Silo.dll "$@"
