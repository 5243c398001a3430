#!/usr/bin/env bash
# Makes FOLDER, whose pkg-config files `make dist` puts first on PKG_CONFIG_PATH, so that the C
# libraries the formats link (CHDF5's `hdf5`, CZlib's `zlib`) are found in FOLDER as Debian's
# static archives instead of the shared libraries:
#   libz.a      a link to zlib1g-dev's archive;
#   libhdf5.a   a linker script naming libhdf5.a (hdf5/serial) with what it needs, libsz.a and
#               libaec.a (szip, from libaec-dev) and libz.a, as one group, so that their order on
#               the command line does not matter;
#   hdf5.pc, zlib.pc   the system's compiler flags, and `-L FOLDER` as the only library folder.
# libhdf5's other dependencies, libcurl and libcrypto, serve only its read-only S3 driver, whose
# objects the link never pulls in (Docs/distribution.md).
#   Packaging/static-libs.sh FOLDER
set -euo pipefail
folder=$(mkdir -p "$1" && cd "$1" && pwd)
archive() {
    local path
    path=$(gcc -print-file-name="$1")
    [ "$path" != "$1" ] && [ -f "$path" ] || { echo "static library $1 not found (is $2 installed?)" >&2; exit 1; }
    echo "$path"
}
# Debian keeps the serial libhdf5 in a folder of its own, which only its pkg-config file names.
hdf5_archive="$(pkg-config --libs-only-L hdf5 | sed -n 's/^ *-L\([^ ]*\).*/\1/p')/libhdf5.a"
[ -f "$hdf5_archive" ] || { echo "static library $hdf5_archive not found (is libhdf5-dev installed?)" >&2; exit 1; }
ln -sf "$(archive libz.a zlib1g-dev)" "$folder/libz.a"
echo "GROUP ( $hdf5_archive $(archive libsz.a libaec-dev) $(archive libaec.a libaec-dev) $(archive libz.a zlib1g-dev) )" > "$folder/libhdf5.a"
for package in hdf5:hdf5 zlib:z; do
    printf 'Name: %s\nDescription: %s linked statically for make dist\nVersion: %s\nCflags: %s\nLibs: -L%s -l%s\n' \
        "${package%:*}" "${package%:*}" "$(pkg-config --modversion "${package%:*}")" "$(pkg-config --cflags "${package%:*}")" \
        "$folder" "${package#*:}" > "$folder/${package%:*}.pc"
done
