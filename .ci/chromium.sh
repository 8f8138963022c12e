# Sourced by .ci/run: the browser test (tests/browser) drives Debian's Chromium through
# Playwright; install the browser when it is missing (CI runs as root on Debian 12).
if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
        echo "chromium is missing and cannot be installed here: the browser test will be skipped" >&2
    fi
fi
