#!/usr/bin/env bash
# Three Warden silos on loopback sharing a local Azurite: the cluster mode on one machine, to try it out.
# Usage: deploy/local-cluster.sh      (Ctrl+C stops everything; data goes to ./.cluster)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD/.cluster
mkdir -p "$root"

[ -x tools/node/node_modules/.bin/azurite ] || (cd tools/node && npm ci --no-audit --no-fund --loglevel=error)
dotnet build src/Warden.Host -v quiet -nologo
dll=$PWD/src/Warden.Host/bin/Debug/net10.0/Warden.Host.dll

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait || true; }
trap cleanup EXIT INT TERM

tools/node/node_modules/.bin/azurite --silent --location "$root/azurite" \
  --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 &
pids+=($!)

# One operator key for the whole cluster.
[ -f "$root/operator.key" ] || (umask 077 && echo "wdn_op_$(head -c 32 /dev/urandom | base64 | tr -d '=+/\n')" > "$root/operator.key")

export Warden__Storage__ConnectionString="UseDevelopmentStorage=true"
export Warden__Lineage__ContextKey="${Warden__Lineage__ContextKey:-$(head -c 32 /dev/urandom | base64)}"
for i in 1 2 3; do
  dotnet "$dll" --storage Azure --data-path "$root/silo$i" --operator-key-file "$root/operator.key" \
    --grpc-port $((5080 + 10 * i)) --http-port $((5081 + 10 * i)) \
    --silo-port $((11110 + i)) --gateway-port $((30000 + i)) \
    --Warden:Cluster:ClusterId local &
  pids+=($!)
done

echo "gateways: http://127.0.0.1:5090 http://127.0.0.1:5100 http://127.0.0.1:5110; operator key in $root/operator.key"
wait
