# Sourced by .ci/run: the browser test (tests/browser) drives Debian's Chromium through
# Playwright; install the browser when it is missing (CI runs as root on Debian 12). Where it
# is present nothing is done; where it cannot be installed the run goes on and the browser
# test is skipped with its one-line reason, rather than the whole suite failing on apt.
if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing chromium for the browser test (apt-get)" >&2
        if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }; then
            echo "chromium could not be installed: the browser test will be skipped" >&2
        fi
    else
        echo "chromium is missing and cannot be installed here: the browser test will be skipped" >&2
    fi
fi
