# Processes for the tools. Source this file.

# Whether PID is a live process: one that has ended and waits to be reaped (a zombie) has ended. Its parent is
# init once the starting script is gone, and an init may reap late (here: up to 1.5 s after the end). Read from
# /proc without starting a process, since the tools ask every 50 ms while the machine is busy with a benchmark.
process_running() { # PID
  local pid comm state
  read -r pid comm state _ 2>/dev/null < "/proc/$1/stat" && [[ $state != Z ]]
}
