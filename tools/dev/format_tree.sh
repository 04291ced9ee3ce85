#!/usr/bin/env bash
# Formats every C++ file the CI format check covers (cmake/HearthFormat.cmake:
# engine/**.{h,cpp,cu}, src/**.{h,cpp}, tests/**.{h,cpp}) with .clang-format,
# using clang-format 14, the version CI installs (Debian 12's clang-format-14;
# other versions format differently, so the check runs only with 14).
#
#   tools/dev/format_tree.sh           rewrite the files in place
#   tools/dev/format_tree.sh --check   list the files that differ; exit 1 if any
#
# Only tracked files are touched. Run it on a clean tree and commit the
# result on its own ("format the tree with .clang-format"), so that the
# commit holds nothing else.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"

clang_format=""
for c in clang-format-14 clang-format; do
  if command -v "$c" >/dev/null && "$c" --version | grep -q "version 14\."; then
    clang_format=$c
    break
  fi
done
if [ -z "$clang_format" ]; then
  echo "format_tree: clang-format 14 not found (Debian 12: apt-get install clang-format-14)" >&2
  exit 2
fi

mapfile -d '' files < <(git ls-files -z -- 'engine/*.h' 'engine/*.cpp' 'engine/*.cu' \
                                           'src/*.h' 'src/*.cpp' 'tests/*.h' 'tests/*.cpp')
if [ "${1:-}" = --check ]; then
  differ=0
  for f in "${files[@]}"; do
    if ! "$clang_format" --style=file "$f" | cmp -s - "$f"; then
      echo "$f"
      differ=$((differ + 1))
    fi
  done
  echo "format_tree: $differ of ${#files[@]} files differ from .clang-format" >&2
  [ "$differ" = 0 ]
else
  printf '%s\0' "${files[@]}" | xargs -0 -n 50 "$clang_format" --style=file -i
  echo "format_tree: formatted ${#files[@]} files with $clang_format" >&2
fi
