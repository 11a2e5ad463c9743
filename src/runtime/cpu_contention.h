// Whether this machine's CPUs are contended, as polling threads find out.
//
// Polling instead of sleeping (LineReader's busy_poll), and running work on
// the thread that read it while a woken worker takes over reading (stdio),
// pay off only while a CPU is free: on an idle virtual CPU a sleeping
// thread takes tens of microseconds to wake. When every CPU is busy the
// opposite holds: a thread that yields its CPU, or that is preempted by the
// worker it woke, waits for a whole time slice of another program, while a
// thread woken from sleep runs ahead of it. A poller notes it here when a
// yield lost the CPU for long; for a second after that, both tricks stand
// down. Process-wide, since the contention is the machine's.
#pragma once

namespace aurite::runtime {

// A yield gave the CPU away for long: the machine is busy.
void NoteCpuContended();
// True within a second of the last NoteCpuContended().
bool CpuRecentlyContended();

}  // namespace aurite::runtime
