#!/usr/bin/env bash
# Run one stage of a make target and print how long it took: stage.sh NAME COMMAND...
name=$1; shift
start=$(date +%s%N)
"$@"; rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
printf '== stage %-22s %4d.%01d s  (exit %d)\n' "$name" $((ms / 1000)) $(((ms % 1000) / 100)) "$rc" | tee -a var/stage-times.txt
exit $rc
