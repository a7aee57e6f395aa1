#!/usr/bin/env bash
# What the test suite needs beyond Python: Debian's Chromium (the HTML report's browser tests)
# and a Java runtime (Spark in local mode). Installed with apt-get when missing and allowed
# (root, as in CI); otherwise says what to install and fails, rather than letting tests skip.
set -euo pipefail
missing=()
command -v chromium > /dev/null || missing+=(chromium)
command -v java > /dev/null || missing+=(openjdk-17-jre-headless)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get > /dev/null; then
    echo "Installing ${missing[*]} (apt-get) for the browser and Spark tests..." >&2
    apt-get update -qq && apt-get install -y -qq "${missing[@]}" > /dev/null
    exit 0
fi
echo "Error: the tests need ${missing[*]}" >&2
echo "Hint: sudo apt-get install ${missing[*]} (Debian/Ubuntu), then run make test again" >&2
exit 1
