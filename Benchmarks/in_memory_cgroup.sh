#!/bin/sh
# usage: in_memory_cgroup.sh GROUP COMMAND...   Runs COMMAND inside the cgroup v1 memory group GROUP.
group=$1
shift
echo $$ >"$group/cgroup.procs" && exec "$@"
