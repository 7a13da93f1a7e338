// Preloaded (NODE_OPTIONS --import, set by test/run.ts) into every Node process of a test
// run, ahead of tap's own process-info hook. That hook reads each module a process loads a
// second time, scans it for a source-map comment and counts its line lengths, to know
// which files each test touched (for coverage and `tap --changed`). This project runs
// with coverage off, and a process here loads about 1,500 modules, so that bookkeeping
// cost about 0.75 s of CPU per process: a sixth of the suite's CPU. The hook reads which
// files to leave out from this variable when it loads, so naming every file turns it off;
// the processes a test spawns inherit the setting.
process.env._TAPJS_PROCESSINFO_EXCLUDE_ = '/./'
