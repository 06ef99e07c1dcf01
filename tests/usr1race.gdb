# For stats.bats: SIGUSR1 sent in the pump's race window, after
# meter_tick() has looked for it and before the wait.  The first pass's
# meter_tick() returns, and the program goes on with the signal given
# to it there and then; then it runs to its end untouched.
set pagination off
set confirm off
handle SIGUSR1 nostop noprint pass
break meter_tick
run
delete
finish
signal SIGUSR1
