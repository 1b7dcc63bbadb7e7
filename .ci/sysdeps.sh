#!/usr/bin/env bash
# Debian packages the tests and the PDF renderer need:
#   libharfbuzz-subset0  font subsetting for WeasyPrint (small PDFs)
#   poppler-utils        pdftotext, to read the text inside generated PDFs in tests
#   fonts-dejavu-core    a font with the euro sign, so PDFs look the same everywhere
#   libreoffice-calc-nogui  LibreOffice Calc without a GUI: the tests open every xlsx and CSV
#                        the tool writes in it as a second client (tests/test_libreoffice.py;
#                        skipped where it is missing). Large (~300 MB with its libraries), so
#                        it is installed once and then only found by dpkg-query.
#   chromium             the browser the portal's tests drive with Playwright (tests/test_web_browser.py;
#                        skipped where it is missing); Playwright's own browser download is never used
#   postgresql           server programs (initdb, pg_ctl) for the throwaway test cluster that
#                        `make test` starts (.ci/test-both.sh); no default cluster is created
# Installs what is missing when running as root or with passwordless sudo; otherwise warns on
# stderr and carries on. Fast and silent when everything is present.
set -euo pipefail

PACKAGES=(libharfbuzz-subset0 poppler-utils fonts-dejavu-core libreoffice-calc-nogui chromium postgresql)

if ! command -v dpkg >/dev/null 2>&1; then
    echo "sysdeps: warning: not Debian/Ubuntu (no dpkg); install the equivalent of: ${PACKAGES[*]}" >&2
    exit 0
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    if [ "$status" != "install ok installed" ]; then
        missing+=("$pkg")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
else
    echo "sysdeps: warning: missing Debian packages: ${missing[*]} (not root, no passwordless sudo)" >&2
    echo "sysdeps: install them with: sudo apt-get install ${missing[*]}" >&2
    exit 0
fi

echo "sysdeps: installing: ${missing[*]}" >&2
if [[ " ${missing[*]} " == *" postgresql "* ]] && [ ! -e /etc/postgresql-common/createcluster.conf ]; then
    # the tests start their own cluster; do not create (and start) Debian's default one
    "${SUDO[@]}" mkdir -p /etc/postgresql-common
    echo "create_main_cluster = false" | "${SUDO[@]}" tee /etc/postgresql-common/createcluster.conf >/dev/null
fi
if ! { "${SUDO[@]}" apt-get update -qq \
       && "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
          apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >&2; then
    echo "sysdeps: warning: apt-get failed; still missing: ${missing[*]}" >&2
fi
exit 0
