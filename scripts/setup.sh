#!/bin/sh
# Sets up a fresh machine for ovsim's tests, idempotently:
#  - Open vSwitch (the differential tests run their own private ovsdb-server and
#    ovs-vswitchd on the dummy datapath) and tshark (pcap checks), from apt, when missing;
#  - the npm dependencies.
# The system's own OVS services are neither needed nor started: the tests never talk to them.
set -eu

cd "$(dirname "$0")/.."

have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/usr/bin/$1" ]; }

need=""
have ovs-vswitchd || need="$need openvswitch-switch"
have tshark || need="$need tshark"
have osken-manager || need="$need python3-os-ken"
have ovs-testcontroller || need="$need openvswitch-testcontroller"

if [ -n "$need" ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "setup.sh: missing:$need -- run this script as root to install them" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    # tshark's wireshark-common asks whether non-root users may capture: answer no up front.
    echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
    # Keep the package scripts from starting the system's OVS services (no init in
    # containers, and we run our own daemons anyway): policy-rc.d exit 101 = "not allowed".
    created_policy=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
        chmod +x /usr/sbin/policy-rc.d
        created_policy=1
    fi
    apt-get update
    # shellcheck disable=SC2086
    apt-get install -y --no-install-recommends $need
    if [ -n "$created_policy" ]; then rm -f /usr/sbin/policy-rc.d; fi
fi

# `npm install` rather than `npm ci`: it keeps the lockfile's versions, and npm ci refuses
# lockfiles written without other platforms' optional packages (rollup's, for vitest).
npm install --no-audit --no-fund

echo "setup.sh: ready ($(/usr/sbin/ovs-vswitchd --version 2>/dev/null | head -n1 || ovs-vswitchd --version | head -n1))"
