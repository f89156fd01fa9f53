package bench

import (
	"bytes"
	"encoding/xml"
	"io"
	"math"
	"os"
	"strings"
	"testing"
)

func canned(t *testing.T) Results {
	t.Helper()
	f, err := os.Open("testdata/canned.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, cpu, err := Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	if want := "Oxide Virtual Turin-like Processor"; cpu != want {
		t.Errorf("cpu: got %q, want %q", cpu, want)
	}
	return res
}

func TestParse(t *testing.T) {
	res := canned(t)
	for _, tc := range []struct {
		name, bench, unit string
		want              []float64
	}{
		{"custom metric, three runs", "DataPathEstablished/sessions=1000", "Mpps", []float64{10.71, 10, 11.11}},
		{"standard unit", "DataPathBareLoop/sessions=1000000", "ns/op", []float64{40.9, 50, 45}},
		{"allocs", "DataPathNewSessions", "allocs/op", []float64{0}},
		{"name and result on separate lines", "OneLeafCommitToAck", "median-ms/commit-to-ack", []float64{4.9}},
		{"plus sign in the name", "CommitSize/service-sets=10000/load+commit", "MB/s", []float64{14.97}},
		{"space in a sub-benchmark name", "CompletePerf/all_service-set_keys", "ns/op", []float64{3.1e6}},
		{"live", "Live/udp", "nft-pps", []float64{1e6}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := res.Values(tc.bench, tc.unit)
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i := range got {
				if math.Abs(got[i]-tc.want[i]) > 1e-9 {
					t.Errorf("run %d: got %v, want %v", i, got[i], tc.want[i])
				}
			}
		})
	}
	if got := res.Values("OneLeafCommitToAck", "ns/op"); len(got) != 1 {
		t.Errorf("a log line was read as a result: ns/op %v", got)
	}
}

func TestSummarize(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []float64
		want Summary
	}{
		{"odd", []float64{3, 1, 2}, Summary{Median: 2, Min: 1, Max: 3, N: 3}},
		{"even", []float64{4, 1, 2, 3}, Summary{Median: 2.5, Min: 1, Max: 4, N: 4}},
		{"empty", nil, Summary{}},
	} {
		if got := Summarize(tc.in); got != tc.want {
			t.Errorf("%s: got %+v, want %+v", tc.name, got, tc.want)
		}
	}
	if got, want := (Summary{Median: 12345.6, Min: 0.5, Max: 15, N: 3}).String(), "12,346 [0.5 – 15.0]"; got != want {
		t.Errorf("String: got %q, want %q", got, want)
	}
}

func rowNamed(t *testing.T, rows []Row, name string) Row {
	t.Helper()
	for _, r := range rows {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no row %q", name)
	return Row{}
}

func TestEvaluate(t *testing.T) {
	rows := Evaluate(Figures, canned(t))
	for _, tc := range []struct {
		row, status, value, ratio string
	}{
		{"established, 1 K sessions", "pass", "10.7 [10.0 – 11.1]", "0.167 [0.157 – 0.2]"},
		{"established, 1 M sessions", "MISS", "1.52 [1.43 – 1.67]", "0.0714 [0.0622 – 0.075]"},
		{"established, 100 K sessions", "", "not measured", ""},
		{"established, 10 M sessions", "MISS", "0.651", "0.0408"},
		{"object cache held by 10 M sessions", "pass", "2.33", ""},
		{"new sessions, filling an empty PIC (1 M per run)", "", "0.694", ""},
		{"new sessions, steady state (as many expire as open)", "", "not measured", ""},
		{"object cache per session: objects (flow + plugin state)", "pass", "244", ""},
		{"allocations per packet, new sessions", "pass", "0", ""},
		{"scaling: 2 data cores, aggregate (100 K sessions each)", "MISS", "1.64", "0.872"},
		{"load override + commit (configd, store with fsync)", "pass", "0.56", ""},
		{"one-leaf change: commit → PIC acknowledgement (median)", "pass", "4.90", ""},
		{"one-leaf commit at 10,000 beside 1,000 service-sets", "pass", "6.23", "1.08"},
		{"one-leaf commit, bytes allocated, at 10,000 beside 1,000 service-sets", "", "382", "6.32"},
		{"completion of `set services service-set `", "pass", "3.10", ""},
		{"start-up to `show version`, empty data directory", "", "not measured", ""},
		{"concurrent sessions", "pass", "100", ""},
		{"UDP forwarding, 64-byte payloads (udp)", "", "1,500,000", "1.50"},
		{"TCP connections (open, exchange, close) (udp)", "MISS", "200,000", "0.8"},
	} {
		t.Run(tc.row, func(t *testing.T) {
			r := rowNamed(t, rows, tc.row)
			if r.Status != tc.status {
				t.Errorf("status: got %q, want %q", r.Status, tc.status)
			}
			if got := r.Value.String(); got != tc.value {
				t.Errorf("value: got %q, want %q", got, tc.value)
			}
			got := ""
			if r.Ratio.N > 0 {
				got = r.Ratio.String()
			}
			if got != tc.ratio {
				t.Errorf("ratio: got %q, want %q", got, tc.ratio)
			}
		})
	}
}

func TestEvaluateLiveAbsent(t *testing.T) {
	res := canned(t)
	delete(res, "Live/udp")
	r := rowNamed(t, Evaluate(Figures, res), "UDP forwarding, 64-byte payloads")
	if r.Value.N != 0 || r.Value.String() != "not measured" {
		t.Errorf("got %q, want not measured", r.Value.String())
	}
}

func TestMarkdownAndSplice(t *testing.T) {
	res := canned(t)
	rep := Report{Machine: Machine{Date: "2026-11-23 14:50 UTC", CPU: "Test CPU", Cores: 2, MemoryGiB: 23.4, Kernel: "6.1", Go: "go1.26", Commit: "abc1234", LoadStart: 1, LoadEnd: 3, LoadMax: 4},
		Rows: Evaluate(Figures, res), Commands: []string{"go test -run '^$' -bench . ./configd"}, Plots: []string{"perf/commit-vs-size.svg"},
		Profiles: []Profile{{Name: "datapath", About: "established", Command: "go tool pprof -top x", Top: []HotSpot{{"30.00%", "40.00%", "github.com/gnos/gnos/pic.(*Core).Process"}}}}}
	var sec bytes.Buffer
	rep.Markdown(&sec)
	out := sec.String()
	for _, want := range []string{BeginMarker, EndMarker, "Test CPU, 2 cores", "the machine was shared", "targets met**; missed: established, 1 M sessions; established, 10 M sessions; established, 1 K sessions, beside the bare loop; established, 1 M sessions, beside the bare loop; scaling",
		"| established, 1 K sessions | 10.7 [10.0 – 11.1] Mpps | ≥ 5 Mpps | pass | bare loop: 66.7 [50.0 – 68.0] Mpps | 0.167 [0.157 – 0.2]× |",
		"`show \\| compare`", "**miss**", "![commit-vs-size](perf/commit-vs-size.svg)", "`github.com/gnos/gnos/pic.(*Core).Process`", "go test -run"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}

	hand := "# gnos performance\n\nIntro.\n\n## Commit path\n\nHand-written.\n"
	first := Splice(hand, out)
	if !strings.HasPrefix(first, "# gnos performance\n\nIntro.\n\n"+BeginMarker) || !strings.HasSuffix(first, EndMarker+"\n\n## Commit path\n\nHand-written.\n") {
		t.Errorf("first splice misplaced:\n%s", first)
	}
	again := Splice(first, BeginMarker+"\nnew\n"+EndMarker+"\n")
	if want := "# gnos performance\n\nIntro.\n\n" + BeginMarker + "\nnew\n" + EndMarker + "\n\n## Commit path\n\nHand-written.\n"; again != want {
		t.Errorf("second splice: got\n%s\nwant\n%s", again, want)
	}
}

func TestPlotsAreSVG(t *testing.T) {
	res := canned(t)
	for _, p := range Plots {
		t.Run(p.File, func(t *testing.T) {
			var buf bytes.Buffer
			if err := p.WriteSVG(&buf, res, "caption <&>"); err != nil {
				t.Fatal(err)
			}
			d := xml.NewDecoder(&buf)
			circles := 0
			for {
				tok, err := d.Token()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("not well-formed XML: %v", err)
				}
				if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "circle" {
					circles++
				}
			}
			// measured points in the canned output (proportional lines have none)
			want := map[string]int{"pps-vs-cores.svg": 2, "commit-vs-size.svg": 4, "pps-vs-sessions.svg": 6}[p.File]
			if circles != want {
				t.Errorf("got %d points, want %d", circles, want)
			}
		})
	}
	var empty bytes.Buffer
	if err := Plots[0].WriteSVG(&empty, Results{}, ""); err != nil || !strings.Contains(empty.String(), noData) {
		t.Errorf("empty plot: err %v, lacks %q", err, noData)
	}
}

func TestParseTop(t *testing.T) {
	out := `File: all.test
Type: cpu
Showing nodes accounting for 5.20s, 86.67% of 6s total
      flat  flat%   sum%        cum   cum%
     1.20s 20.00% 20.00%      2.50s 41.67%  github.com/gnos/gnos/pic.(*Core).Process
     0.90s 15.00% 35.00%      0.90s 15.00%  runtime.memmove
     0.60s 10.00% 45.00%      0.60s 10.00%  github.com/gnos/gnos/pic.(*Table).Lookup
`
	got := ParseTop(out, 2)
	want := []HotSpot{{"20.00%", "41.67%", "github.com/gnos/gnos/pic.(*Core).Process"}, {"15.00%", "15.00%", "runtime.memmove"}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("got %+v, want %+v", got, want)
	}
}
