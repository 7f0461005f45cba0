#!/usr/bin/env bash
# A plugin in the Go prototype's "seed" format: read the request, then answer with base64 fields after stdin closes.
request=$(cat)
echo "seed plugin got: $request" >&2
b64() { printf '%s' "$1" | base64 -w0; }
printf '{"UserOutput":{"0":"%s","1":"%s","10":"%s"},"Errors":{"0":"%s"},"PluginLogs":"%s"}' \
  "$(b64 "first output")" "$(b64 "second output")" "$(b64 "eleventh output")" "$(b64 "a warning")" "$(b64 $'plugin log 1\nplugin log 2')"
