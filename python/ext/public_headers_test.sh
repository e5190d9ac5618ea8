#!/bin/bash
# The extension depends on the core's public C API alone (core/BUILD): every
# quoted #include in python/ext names a public header (nda/*.h) or one of
# python/ext's own files. Arguments: the files to check.
set -u
bad=0
for f in "$@"; do
    while IFS= read -r inc; do
        case "$inc" in
        nda/*.h) ;;
        */*)
            echo "$f: includes \"$inc\", which is not a public header (nda/*.h)"
            bad=1
            ;;
        *)
            if [ ! -e "$(dirname "$f")/$inc" ]; then
                echo "$f: includes \"$inc\", which is not a file of python/ext"
                bad=1
            fi
            ;;
        esac
    done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f")
done
if [ "$bad" -eq 0 ]; then
    echo "python/ext: $# files include public headers only"
fi
exit "$bad"
