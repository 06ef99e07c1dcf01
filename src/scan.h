/*
 * scan.h: -z: which ports of a host accept a connection.
 */
#ifndef SOCKCAT_SCAN_H
#define SOCKCAT_SCAN_H

#include "options.h"

/*
 * Probe every port the options name, many at once, and report each in
 * the order given (-v lines, --scan-format=csv).  Returns the exit
 * status: 0 if a port was open, 1 if none was or the scan could not go
 * on (said in one line).
 */
int	scan_run(const struct options *);

#endif
