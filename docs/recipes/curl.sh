#!/usr/bin/env bash
# curl against the auth API: cookie mode with a cookie jar, then app mode.
#   API=https://api.example.com USERNAME=alice PASSWORD=… bash docs/recipes/curl.sh
set -euo pipefail
API=${API:-http://localhost:8000}
ORIGIN=${PUBLIC_ORIGIN:-$API}   # the API's public origin: the Referer Django checks behind HTTPS
JAR=$(mktemp)
trap 'rm -f "$JAR"' EXIT
curl_() { curl -sS --fail-with-body -b "$JAR" -c "$JAR" ${CURL_EXTRA:+-H "$CURL_EXTRA"} "$@"; }
csrf() { awk '$6 == "csrftoken" { token = $7 } END { print token }' "$JAR"; }
json() { python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
credentials=$(printf '{"username": "%s", "password": "%s"}' "$USERNAME" "$PASSWORD")

# Cookie mode. Login needs no CSRF token; it sets the auth cookies and a new csrftoken.
curl_ -H 'Content-Type: application/json' -d "$credentials" "$API/api/auth/login/" >/dev/null
curl_ "$API/api/auth/me/" | json username
# Every unsafe request with the cookies: X-CSRFToken from the jar, read fresh, and the Referer.
curl_ -X POST -H "X-CSRFToken: $(csrf)" -H "Referer: $ORIGIN/" "$API/api/auth/refresh/" >/dev/null
curl_ "$API/api/auth/session/" | json authenticated
curl_ -X POST -H "X-CSRFToken: $(csrf)" -H "Referer: $ORIGIN/" "$API/api/auth/logout/"

# App mode: the tokens in the body, no cookies, no CSRF.
tokens=$(curl -sS --fail-with-body ${CURL_EXTRA:+-H "$CURL_EXTRA"} -H 'X-Auth-Client: app' \
  -H 'Content-Type: application/json' -d "$credentials" "$API/api/auth/login/")
access=$(json access <<<"$tokens")
refresh=$(json refresh <<<"$tokens")
curl -sS --fail-with-body ${CURL_EXTRA:+-H "$CURL_EXTRA"} -H 'X-Auth-Client: app' \
  -H "Authorization: Bearer $access" "$API/api/auth/me/" | json username
curl -sS --fail-with-body ${CURL_EXTRA:+-H "$CURL_EXTRA"} -H 'X-Auth-Client: app' \
  -H 'Content-Type: application/json' -d "{\"refresh\": \"$refresh\"}" "$API/api/auth/logout/"
echo "logged out"
