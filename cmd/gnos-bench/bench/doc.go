// Package bench is the library behind `make bench` (cmd/gnos-bench): it
// reads `go test -bench` output, sets every SPEC.md performance figure
// beside its target and beside a reference measured in the same run, and
// writes the report (docs/performance.md) and its plots (docs/perf/*.svg).
//
// Design:
//
//   - What is measured is data, in spec.go: Suites are `go test`
//     invocations (package, -bench pattern, fixed -benchtime, -count);
//     Figures are report rows, each one metric of one benchmark with its
//     unit, target and reference; Plots are cost against work size, with
//     the size read from the benchmark name. Adding a benchmark to a
//     package that a suite already runs and a line to Figures is all a new
//     row takes.
//   - Figures come from the standard benchmark lines only (ns/op, B/op,
//     allocs/op and every b.ReportMetric unit), so the benchmarks stay
//     ordinary Go benchmarks that run without the harness.
//   - Machines are noisy: every figure is the median of -count runs with
//     min and max; a reference (the bare-loop memory limit, nftables, one
//     core) comes from the same run, and the ratio is taken run by run.
//   - The report is a generated section between BEGIN/END markers in
//     docs/performance.md; the hand-written explanations of how each
//     figure is measured and what limits it stay around it.
//   - Plots are small hand-written SVG (no plotting dependency): medians
//     joined by lines, a min–max bar at each point, log axes where the
//     sizes or costs span decades.
//
// Running the benchmarks, timing start-up and taking profiles live in
// cmd/gnos-bench; this package does no I/O beyond the writers it is given,
// so its test runs on canned output.
package bench
