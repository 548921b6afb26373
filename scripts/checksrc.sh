#!/bin/sh
# House rules a compiler does not check (see ../shared/design/STYLE.md):
# no unbounded string functions anywhere, and the engine (lib/) never prints
# or exits. Run by ctest as lint_checksrc.
cd "$(dirname "$0")/.." || exit 2
status=0
banned=$(grep -rnE '\b(strcpy|strcat|sprintf|vsprintf|gets|strtok|atoi|atol|sscanf)\s*\(' \
  --include='*.c' --include='*.h' lib src include tests/unit tests/support fuzz 2>/dev/null)
if [ -n "$banned" ]; then
  echo "banned functions (use snprintf, str_to_u64, ...):"; echo "$banned"; status=1
fi
prints=$(grep -rnE '\b(printf|puts|putchar|exit|abort)\s*\(' --include='*.c' lib 2>/dev/null)
if [ -n "$prints" ]; then
  echo "lib/ must not print or exit:"; echo "$prints"; status=1
fi
[ $status = 0 ] && echo "checksrc: 1 passed, 0 failed" || echo "checksrc: 0 passed, 1 failed"
exit $status
