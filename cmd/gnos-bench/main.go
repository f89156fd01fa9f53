// Command gnos-bench is `make bench`: it measures every performance target
// of SPEC.md and writes docs/performance.md's generated section and the
// plots under docs/perf/.
//
// It runs the suites of cmd/gnos-bench/bench (each `go test -run '^$' -bench P
// -benchtime Nx -count N -benchmem PKG`, raw output kept in
// docs/bench-out/), times start-up itself (bin/gnos daemon on a temporary
// data directory, empty and with the performance configuration committed,
// until `gnos cli -c 'show version'` answers), runs the live forwarding
// benchmark (gnos beside nftables) when a `func BenchmarkLive` exists in
// the tree, and hands the results to cmd/gnos-bench/bench for the table, the
// ratios and the plots. Fixed -benchtime counts keep expensive set-ups
// (the 10,000-service-set configuration, a million sessions) to a few per
// run, so a full run fits in about 15 minutes on two cores.
//
//	make bench                     # full run; rewrites docs/performance.md and docs/perf/*.svg
//	make bench PROFILE=1           # plus CPU profiles of the data and commit paths, hot spots in the report
//	make bench BENCH_QUICK=1       # one short run of each: checks the harness, prints, writes nothing
//	go run ./cmd/gnos-bench -only 'datapath|live' -doc docs/performance.md
//	go run ./cmd/gnos-bench -rerender  # the report again from docs/bench-out/last-run.json, measuring nothing
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/gnos/gnos/cmd/gnos-bench/bench"
)

type options struct {
	quick, profile, noStartup bool
	rerender                  bool
	only                      string
	count                     int
	doc, raw, plots, bin      string
	startupRuns               int
}

func main() {
	var o options
	flag.BoolVar(&o.quick, "quick", os.Getenv("BENCH_QUICK") != "", "one short run of each benchmark (env BENCH_QUICK)")
	flag.BoolVar(&o.profile, "profile", os.Getenv("PROFILE") != "", "CPU profiles of the profiled suites, hot spots in the report (env PROFILE)")
	flag.StringVar(&o.only, "only", os.Getenv("BENCH"), "run only the suites whose name matches this regexp (env BENCH); startup is a suite name too")
	flag.IntVar(&o.count, "count", 0, "runs per benchmark (default: each suite's own)")
	flag.StringVar(&o.doc, "doc", "", "report to rewrite (default docs/performance.md on a full run of every suite, none otherwise)")
	flag.StringVar(&o.raw, "raw", "docs/bench-out", "directory for raw output and profiles")
	flag.StringVar(&o.plots, "plots", "docs/perf", "directory for the SVG plots (written with the report)")
	flag.StringVar(&o.bin, "bin", "bin/gnos", "the gnos binary timed for start-up (make bench builds it)")
	flag.IntVar(&o.startupRuns, "startup-runs", 5, "start-ups timed per data directory")
	flag.BoolVar(&o.noStartup, "no-startup", false, "skip the start-up timing")
	flag.BoolVar(&o.rerender, "rerender", false, "measure nothing: rebuild the report and plots from the last run's "+lastRun+" in -raw")
	flag.Parse()
	if o.doc == "" && !o.quick && o.only == "" {
		o.doc = "docs/performance.md"
	}
	do := run
	if o.rerender {
		do = rerender
	}
	if err := do(o); err != nil {
		fmt.Fprintln(os.Stderr, "gnos-bench:", err)
		os.Exit(1)
	}
}

// runner accumulates one run: results, the commands behind them, notes
// for the reader, profiles and the load average between steps.
type runner struct {
	o    options
	only *regexp.Regexp
	rep  bench.Report
	load []float64
}

func (r *runner) note(format string, a ...any) {
	msg := fmt.Sprintf(format, a...)
	fmt.Println("  " + msg)
	r.rep.Notes = append(r.rep.Notes, msg)
}

func (r *runner) sample() { r.load = append(r.load, loadAvg()) }

func run(o options) error {
	root, err := chdirModuleRoot()
	if err != nil {
		return err
	}
	only, err := regexp.Compile(o.only)
	if err != nil {
		return fmt.Errorf("-only: %w", err)
	}
	if err := os.MkdirAll(o.raw, 0o755); err != nil {
		return err
	}
	started := time.Now()
	r := &runner{o: o, only: only, rep: bench.Report{Machine: machine(), Quick: o.quick, Results: bench.Results{}}}
	r.rep.Commands = []string{"# " + invocation() + ", which runs:"}
	r.sample()

	suites := append([]bench.Suite(nil), bench.Suites...)
	if pkg := findLive(root); pkg != "" {
		suites = append(suites, bench.LiveSuite(pkg))
	} else {
		r.rep.Notes = append(r.rep.Notes, "Live forwarding: not measured — no `func BenchmarkLive` in the tree yet.")
	}
	for _, s := range suites {
		if only.MatchString(s.Name) {
			r.suite(s)
		}
	}
	if o.profile {
		for _, p := range bench.ProfileRuns {
			if only.MatchString(p.Name) || only.MatchString(strings.SplitN(p.Name, "-", 2)[0]) {
				r.profile(p)
			}
		}
	}
	if !o.noStartup && only.MatchString("startup") {
		r.startup()
	}

	m := &r.rep.Machine
	m.Elapsed = time.Since(started).Round(time.Second).String()
	m.LoadStart, m.LoadEnd = r.load[0], r.load[len(r.load)-1]
	for _, l := range r.load {
		m.LoadMax = max(m.LoadMax, l)
	}
	if b, err := json.MarshalIndent(r.rep, "", "\t"); err == nil {
		_ = os.WriteFile(filepath.Join(o.raw, lastRun), b, 0o644)
	}
	return render(r.rep, o)
}

// suite runs one suite and keeps what it printed, even when it failed
// part way.
func (r *runner) suite(s bench.Suite) {
	args := append(goTestArgs(s, r.o), s.Pkg)
	r.rep.Commands = append(r.rep.Commands, "go "+quoteArgs(args))
	fmt.Printf("== %s: go %s\n", s.Name, quoteArgs(args))
	t0 := time.Now()
	res, err := goTest(args, filepath.Join(r.o.raw, s.Name+".txt"))
	r.rep.Results.Merge(res)
	fmt.Printf("  (%s, load average %.2f)\n", time.Since(t0).Round(time.Second), loadAvg())
	switch {
	case err != nil && s.Optional && len(res) == 0:
		r.note("Suite %s did not run (%v): see %s/%s.txt; its figures are not measured.", s.Name, err, r.o.raw, s.Name)
	case err != nil:
		r.note("Suite %s failed (%v): see %s/%s.txt; its figures are from the runs that completed.", s.Name, err, r.o.raw, s.Name)
	case len(res) == 0:
		r.note("Suite %s reported no figures (skipped? it may need root): see %s/%s.txt.", s.Name, r.o.raw, s.Name)
	}
	r.sample()
}

func (r *runner) profile(p bench.ProfileRun) {
	prof, err := profile(p, r.o)
	if err != nil {
		r.note("Profile %s: %v.", p.Name, err)
		return
	}
	r.rep.Commands = append(r.rep.Commands, prof.Command)
	r.rep.Profiles = append(r.rep.Profiles, prof)
	r.sample()
}

func (r *runner) startup() {
	runs := r.o.startupRuns
	if r.o.quick {
		runs = 1
	}
	if r.o.count > 0 {
		runs = r.o.count
	}
	cmds, err := startup(r.o.bin, runs, r.rep.Results)
	r.rep.Commands = append(r.rep.Commands, cmds...)
	if err != nil {
		r.note("Start-up timing failed: %v.", err)
	}
	r.sample()
}

// lastRun, in the raw directory, keeps what a run measured so -rerender
// can rebuild the report (after a change to the figures or the layout)
// without measuring again.
const lastRun = "last-run.json"

func rerender(o options) error {
	if _, err := chdirModuleRoot(); err != nil {
		return err
	}
	b, err := os.ReadFile(filepath.Join(o.raw, lastRun))
	if err != nil {
		return err
	}
	var rep bench.Report
	if err := json.Unmarshal(b, &rep); err != nil {
		return fmt.Errorf("%s: %w", lastRun, err)
	}
	if o.doc == "" {
		o.doc = "docs/performance.md"
	}
	return render(rep, o)
}

// render prints the table and hot spots and, with o.doc, writes the report
// and the plots.
func render(rep bench.Report, o options) error {
	m, res := rep.Machine, rep.Results
	rep.Rows = bench.Evaluate(bench.Figures, res)
	fmt.Printf("\n%s (%s, load average %.2f → %.2f, max %.2f), in %s:\n", m.Date, m.CPU, m.LoadStart, m.LoadEnd, m.LoadMax, m.Elapsed)
	bench.Text(os.Stdout, rep.Rows)
	fmt.Println("\n" + strings.NewReplacer("**", "", `\|`, "|").Replace(bench.Verdict(rep.Rows)))
	for _, p := range rep.Profiles {
		fmt.Printf("\nhot spots, %s (%s):\n", p.Name, p.About)
		for _, h := range p.Top {
			fmt.Printf("  %7s %7s  %s\n", h.Flat, h.Cum, h.Func)
		}
	}
	if o.doc == "" {
		fmt.Println("\n(no report written: quick or partial run; -doc FILE writes one)")
		return nil
	}

	caption := fmt.Sprintf("make bench, %s, %s, load %.1f-%.1f; medians, bars min-max", m.Date, m.Commit, m.LoadStart, m.LoadMax)
	if err := os.MkdirAll(o.plots, 0o755); err != nil {
		return err
	}
	docDir := filepath.Dir(o.doc)
	rep.Plots = nil
	for _, p := range bench.Plots {
		var buf bytes.Buffer
		if err := p.WriteSVG(&buf, res, caption); err != nil {
			return err
		}
		path := filepath.Join(o.plots, p.File)
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			return err
		}
		if rel, err := filepath.Rel(docDir, path); err == nil {
			rep.Plots = append(rep.Plots, filepath.ToSlash(rel))
		}
	}
	old, err := os.ReadFile(o.doc)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	var sec bytes.Buffer
	rep.Markdown(&sec)
	if err := os.WriteFile(o.doc, []byte(bench.Splice(string(old), sec.String())), 0o644); err != nil {
		return err
	}
	fmt.Printf("\nwrote %s and %s/*.svg\n", o.doc, o.plots)
	return nil
}

// invocation is the make command line equivalent to this run.
func invocation() string {
	cmd := "make bench"
	for _, a := range os.Args[1:] {
		switch {
		case a == "-profile" || a == "--profile":
			cmd += " PROFILE=1"
		case a == "-quick" || a == "--quick":
			cmd += " BENCH_QUICK=1"
		default:
			return "./bin/gnos-bench " + quoteArgs(os.Args[1:])
		}
	}
	if os.Getenv("PROFILE") != "" && !strings.Contains(cmd, "PROFILE") {
		cmd += " PROFILE=1"
	}
	return cmd
}

// goTestArgs is the `go test` command line of a suite, without "go"
// and without the package.
func goTestArgs(s bench.Suite, o options) []string {
	bt, count := s.Benchtime, s.Count
	if o.quick {
		bt, count = s.Quick, 1
	}
	if o.count > 0 {
		count = o.count
	}
	return []string{"test", "-run", "^$", "-bench", s.Pattern, "-benchtime", bt, "-count", fmt.Sprint(count),
		"-benchmem", "-timeout", "30m"}
}

// goTest runs go with args, keeps the whole output in raw, echoes the
// benchmark result lines, and parses them.
func goTest(args []string, raw string) (bench.Results, error) {
	f, err := os.Create(raw)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var buf bytes.Buffer
	cmd := exec.Command("go", args...)
	w := io.MultiWriter(f, &buf, &echo{})
	cmd.Stdout, cmd.Stderr = w, w
	runErr := cmd.Run()
	res, _, err := bench.Parse(&buf)
	if err != nil {
		return res, err
	}
	return res, runErr
}

// echo prints the lines a reader of the terminal wants while a suite runs.
type echo struct{ partial []byte }

func (e *echo) Write(p []byte) (int, error) {
	e.partial = append(e.partial, p...)
	for {
		i := bytes.IndexByte(e.partial, '\n')
		if i < 0 {
			return len(p), nil
		}
		line := string(e.partial[:i])
		e.partial = e.partial[i+1:]
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "Benchmark") && strings.Contains(t, "/op") || strings.HasPrefix(t, "--- ") ||
			strings.HasPrefix(t, "FAIL") || strings.HasPrefix(t, "ok ") || strings.HasPrefix(t, "panic:") {
			fmt.Println("  " + t)
		}
	}
}

// profile takes a CPU profile of one benchmark and reads its hot spots.
func profile(p bench.ProfileRun, o options) (bench.Profile, error) {
	bt := p.Benchtime
	if o.quick {
		bt = "10x"
	}
	prof, bin := abs(filepath.Join(o.raw, p.Name+".cpu.pprof")), abs(filepath.Join(o.raw, p.Name+".test"))
	args := []string{"test", "-run", "^$", "-bench", p.Pattern, "-benchtime", bt, "-count", "1", "-timeout", "30m",
		"-cpuprofile", prof, "-o", bin, p.Pkg}
	fmt.Printf("== profile %s: go %s\n", p.Name, quoteArgs(args))
	if _, err := goTest(args, filepath.Join(o.raw, p.Name+".profile.txt")); err != nil {
		return bench.Profile{}, err
	}
	top := []string{"tool", "pprof", "-top", "-nodecount=12"}
	if p.Focus != "" || p.TagFocus != "" {
		top = append(top, "-relative_percentages")
	}
	if p.Focus != "" {
		top = append(top, "-focus="+p.Focus)
	}
	if p.Ignore != "" {
		top = append(top, "-ignore="+p.Ignore)
	}
	if p.TagFocus != "" {
		top = append(top, "-tagfocus="+p.TagFocus)
	}
	top = append(top, bin, prof)
	out, err := exec.Command("go", top...).CombinedOutput()
	if err != nil {
		return bench.Profile{}, fmt.Errorf("pprof: %v: %s", err, firstLine(string(out)))
	}
	cmd := "go " + quoteArgs(args[:len(args)-5]) + " -cpuprofile " + rel(prof) + " -o " + rel(bin) + " " + p.Pkg +
		" && go " + quoteArgs(append(top[:len(top)-2], rel(bin), rel(prof)))
	return bench.Profile{Name: p.Name, About: p.About, File: rel(prof), Command: cmd, Top: bench.ParseTop(string(out), 12)}, nil
}

// findLive returns the package holding `func BenchmarkLive`, or "".
func findLive(root string) string {
	pkg := ""
	_ = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if pkg != "" {
			return filepath.SkipAll
		}
		if err != nil {
			return nil
		}
		if d.IsDir() {
			if n := d.Name(); path != root && (strings.HasPrefix(n, ".") || n == "testdata" || n == "vendor" || n == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err == nil && bytes.Contains(b, []byte("\nfunc BenchmarkLive")) {
			rel, _ := filepath.Rel(root, filepath.Dir(path))
			pkg = "./" + filepath.ToSlash(rel)
		}
		return nil
	})
	return pkg
}

// chdirModuleRoot makes the module root the working directory (paths
// in options are relative to it) and returns it.
func chdirModuleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("not inside the gnos module")
	}
	root := filepath.Dir(mod)
	return root, os.Chdir(root)
}

// rel is p relative to the working directory (the module root), for
// commands a reader can paste.
func rel(p string) string {
	if wd, err := os.Getwd(); err == nil {
		if r, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(r, "..") {
			return r
		}
	}
	return p
}

func abs(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

func quoteArgs(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		if a == "" || strings.ContainsAny(a, " ^$|*()[]'\"\\?") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		q[i] = a
	}
	return strings.Join(q, " ")
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}
