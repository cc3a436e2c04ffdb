// Plain JS, imported first by the proxy bench's child processes: counts this process's V8
// garbage collections (perf_hooks 'gc' entries: major = Mark-Compact, minor = Scavenge) and
// answers the bench's IPC message 'gc' with the counts (and their pause time, ms) so far, so each
// round can report how many GCs it caused in the hop's process and how long they paused it.
import { PerformanceObserver, constants } from 'node:perf_hooks';

const counts = { major: 0, minor: 0, ms: 0 };
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const kind = e.detail?.kind;
    counts.ms += e.duration;
    if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) counts.major++;
    else if (kind === constants.NODE_PERFORMANCE_GC_MINOR) counts.minor++;
  }
}).observe({ entryTypes: ['gc'] });
process.on('message', (m) => {
  if (m === 'gc') process.send?.({ gc: { ...counts } });
});
