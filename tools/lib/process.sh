# Processes for the tools. Source this file.

# Whether PID is a live process: one that has ended and waits to be reaped (a zombie) has ended. Its parent is
# init once the starting script is gone, and an init may reap late (here: up to 1.5 s after the end).
process_running() { # PID
  local state
  state=$(ps -o stat= -p "$1" 2>/dev/null) && [[ $state != Z* ]]
}
