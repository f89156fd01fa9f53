package bench

import (
	"bufio"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// Results holds every benchmark's values, by name without the "Benchmark"
// prefix and the GOMAXPROCS suffix ("DataPathEstablished/sessions=1000"),
// then by unit ("ns/op", "Mpps", "median-ms/commit-to-ack"): one value
// per run, in the order the runs printed them.
type Results map[string]map[string][]float64

// Add records one value (used for figures measured by the harness itself,
// such as start-up time).
func (r Results) Add(name, unit string, v float64) {
	m := r[name]
	if m == nil {
		m = map[string][]float64{}
		r[name] = m
	}
	m[unit] = append(m[unit], v)
}

// Values returns the values of one metric of one benchmark (nil when
// absent).
func (r Results) Values(name, unit string) []float64 { return r[name][unit] }

// Merge adds every value of o.
func (r Results) Merge(o Results) {
	for name, m := range o {
		for unit, vs := range m {
			for _, v := range vs {
				r.Add(name, unit, v)
			}
		}
	}
}

var (
	// BenchmarkName-8   	     100	  123.4 ns/op	  5.0 Mpps ...
	resultLine = regexp.MustCompile(`^(Benchmark\S+?)(?:-\d+)?\s+(\d+)\s+(.*)$`)
	// the name without a result: the benchmark wrote to stdout/stderr
	// before its result, which follows on a later line
	nameOnly = regexp.MustCompile(`^(Benchmark\S+?)(?:-\d+)?(?:\s.*)?$`)
	// the result of a benchmark whose name was printed earlier
	valuesOnly = regexp.MustCompile(`^\s*(\d+)\s+([-+0-9.eE]+ \S+.*)$`)
)

// Parse reads the standard output of `go test -bench` (any number of
// packages and -count runs) and returns the values it printed, custom
// metrics from b.ReportMetric included. Lines it does not know (logs, PASS,
// ok, goos:) are skipped; so is a result line that cannot be read in full.
// The "cpu:" line, when present, is returned as cpu.
func Parse(rd io.Reader) (res Results, cpu string, err error) {
	res = Results{}
	sc := bufio.NewScanner(rd)
	sc.Buffer(make([]byte, 1<<16), 1<<22)
	pending := ""
	for sc.Scan() {
		line := sc.Text()
		if c, ok := strings.CutPrefix(line, "cpu: "); ok {
			cpu = strings.TrimSpace(c)
			continue
		}
		if m := resultLine.FindStringSubmatch(line); m != nil {
			if addValues(res, trimName(m[1]), m[3]) {
				pending = ""
				continue
			}
		}
		if m := nameOnly.FindStringSubmatch(line); m != nil {
			pending = trimName(m[1])
			continue
		}
		if pending != "" {
			if m := valuesOnly.FindStringSubmatch(line); m != nil && addValues(res, pending, m[2]) {
				pending = ""
			}
		}
	}
	return res, cpu, sc.Err()
}

func trimName(s string) string { return strings.TrimPrefix(s, "Benchmark") }

// addValues reads "v unit" pairs separated by tabs (or spaces).
func addValues(res Results, name, rest string) bool {
	f := strings.Fields(rest)
	if len(f) < 2 || len(f)%2 != 0 {
		return false
	}
	type kv struct {
		unit string
		v    float64
	}
	var vals []kv
	for i := 0; i < len(f); i += 2 {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return false
		}
		vals = append(vals, kv{f[i+1], v})
	}
	for _, x := range vals {
		res.Add(name, x.unit, x.v)
	}
	return true
}
