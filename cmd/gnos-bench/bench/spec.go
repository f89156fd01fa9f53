package bench

import "fmt"

// A Suite is one `go test -run '^$' -bench Pattern -benchtime Benchtime
// -count Count -benchmem Pkg` invocation. Every benchmark it prints lands
// in Results; Figures pick what they show.
type Suite struct {
	Name      string // short key: raw output docs/bench-out/<Name>.txt, -only
	Pkg       string // ./configd
	Pattern   string // -bench regexp
	Benchtime string // -benchtime of a full run ("3x": fixed counts keep set-ups few)
	Quick     string // -benchtime of a quick run
	Count     int    // runs in a full run (a quick run does one)
	Optional  bool   // may be absent (the live benchmark): its figures say "not measured"
}

// Suites are the benchmark runs of `make bench`. The live benchmark's suite
// is added by the harness when it finds `func BenchmarkLive` in the tree.
var Suites = []Suite{
	{Name: "datapath", Pkg: "./pic/plugins/all", Pattern: "^BenchmarkDataPath(Established|BareLoop|NewSessions|NewSessionsSteady|Scaling|Memory)$", Benchtime: "3000000x", Quick: "20000x", Count: 3},
	// a million sessions opened through the whole node, then counted over the CLI
	{Name: "sessions", Pkg: "./servicesd", Pattern: "^BenchmarkSessionCount$", Benchtime: "20x", Quick: "2x", Count: 3},
	// opening 10 M sessions takes 15-60 s, twice per run (go test runs a
	// benchmark once with b.N = 1 before the -benchtime count): one run
	{Name: "datapath-10m", Pkg: "./pic/plugins/all", Pattern: "^BenchmarkDataPath(BareLoop)?10M$", Benchtime: "3000000x", Quick: "20000x", Count: 1},
	{Name: "datapath-related", Pkg: "./pic/plugins/all", Pattern: "^BenchmarkDataPath(Fragments|ICMPError)$", Benchtime: "300000x", Quick: "2000x", Count: 3},
	{Name: "commit-load", Pkg: "./configd", Pattern: "^Benchmark(LoadCommitPerf|CommitSize)$", Benchtime: "3x", Quick: "1x", Count: 5},
	{Name: "commit-leaf", Pkg: "./configd", Pattern: "^Benchmark(OneLeafCommitPerf|ComparePerf|OneLeafCommitScale)$", Benchtime: "100x", Quick: "2x", Count: 5},
	{Name: "pic-ack", Pkg: "./servicesd", Pattern: "^BenchmarkOneLeafCommitToAck$", Benchtime: "100x", Quick: "2x", Count: 3},
	// the PIC on another host: two namespaces and a veth (root; skipped, "not measured", without)
	{Name: "pic-ack-remote", Pkg: "./lab", Pattern: "^BenchmarkRemoteCommitToAck$", Benchtime: "100x", Quick: "2x", Count: 3, Optional: true},
	{Name: "pic-sync", Pkg: "./servicesd", Pattern: "^BenchmarkLoadCommitToPICSynced$", Benchtime: "1x", Quick: "1x", Count: 3},
	{Name: "cli", Pkg: "./cli", Pattern: "^BenchmarkCompletePerf$", Benchtime: "200x", Quick: "2x", Count: 5},
	// 10,000 set lines then commit into the kernel, beside FRR (root and
	// the frr package: skipped otherwise)
	{Name: "setlines", Pkg: "./lab", Pattern: "^BenchmarkSetLinesToKernel$", Benchtime: "1x", Quick: "1x", Count: 3, Optional: true},
	{Name: "netconf", Pkg: "./netconf", Pattern: "^BenchmarkGetConfiguration", Benchtime: "5000x", Quick: "200x", Count: 5},
	// the performance configuration loaded once, then its four sub-benchmarks
	{Name: "gnmi", Pkg: "./gnmi", Pattern: "^BenchmarkGNMI$", Benchtime: "20x", Quick: "2x", Count: 3},
}

// ProfileRun is a `go test -cpuprofile` run taken with -profile: one
// benchmark with enough iterations that its measured loop outweighs its
// set-up, apart from the suites so profiling does not slow their figures.
// Focus, Ignore and TagFocus (pprof -focus, -ignore, -tagfocus) keep the
// samples of the work measured and drop the set-up's.
type ProfileRun struct {
	Name, Pkg, Pattern, Benchtime string
	Focus, Ignore, TagFocus       string
	About                         string // what the profile shows, for the report
}

// ProfileRuns are the profiles of the data path and the commit path.
var ProfileRuns = []ProfileRun{
	{Name: "datapath", Pkg: "./pic/plugins/all", Pattern: "^BenchmarkDataPathEstablished$/^sessions=1000000$", Benchtime: "10000000x",
		Focus: `pic\.\(\*Core\)\.Process`, Ignore: `pic\.\(\*Core\)\.first`,
		About: "established packets at 1 M sessions through sfw → nat (samples under Core.Process, without Core.first: the set-up opening the sessions)"},
	{Name: "commit-load", Pkg: "./configd", Pattern: "^BenchmarkLoadCommitPerf$", Benchtime: "5x",
		Focus: `configd\.\(\*Session\)\.(Load|Commit)$`, About: "load override + commit of the performance configuration"},
	{Name: "commit-one-leaf", Pkg: "./configd", Pattern: "^BenchmarkCommitSize$/^service-sets=10000$/^one-leaf$", Benchtime: "300x",
		TagFocus: "gnos-bench=one-leaf", About: "one-leaf set + commit on the performance configuration (the measured loop only, by pprof label)"},
}

// LiveSuite is the run of the live data plane benchmark (gnos beside
// nftables + conntrack between the same namespaces) found in pkg.
func LiveSuite(pkg string) Suite {
	return Suite{Name: "live", Pkg: pkg, Pattern: "^BenchmarkLive", Benchtime: "1x", Quick: "1x", Count: 3, Optional: true}
}

// Target is a SPEC.md target: the figure (or, with OnRatio, its ratio to
// the reference) must be ≥ Value (AtLeast) or ≤ Value.
type Target struct {
	Text    string // as printed: "≥ 5 Mpps"
	AtLeast bool
	Value   float64
	OnRatio bool
}

// Met says whether v meets the target.
func (t Target) Met(v float64) bool {
	if t.AtLeast {
		return v >= t.Value
	}
	return v <= t.Value
}

// Ref is the reference a figure is set beside: another benchmark of the
// same run, in the same units. The ratio printed is figure ÷ reference.
type Ref struct {
	Label  string // "bare loop"
	Bench  string
	Metric string
}

// Figure is one row of the report: one metric of one benchmark, scaled to
// the unit shown. A Bench ending in "*" stands for every benchmark whose
// name starts with the rest (a row each, the rest of the name in brackets);
// the reference's Bench then gets the same rest appended when it also ends
// in "*".
type Figure struct {
	Group  string
	Name   string
	Bench  string
	Metric string
	Scale  float64 // shown = measured × Scale (0 means 1)
	Unit   string
	Target *Target
	Ref    *Ref
	Note   string
}

func ge(v float64, text string) *Target { return &Target{Text: text, AtLeast: true, Value: v} }
func le(v float64, text string) *Target { return &Target{Text: text, Value: v} }

// Groups, in report order.
const (
	GroupDataPath = "Data path (one data core, sfw → nat)"
	GroupSessions = "Session queries (1 M sessions on a PIC of two data cores)"
	GroupCommit   = "Commit path (10,000 service-sets, 50,000 terms)"
	GroupCLI      = "CLI and start-up"
	GroupNetconf  = "NETCONF"
	GroupGNMI     = "gNMI (10,000 service-sets on one PIC)"
	GroupLive     = "Live forwarding (gnos beside nftables + conntrack)"
)

// established is the data-path row at n concurrent sessions, beside the
// bare loop (the memory limit) at the same size.
func established(n int, label string) Figure {
	return establishedIn(fmt.Sprintf("DataPathEstablished/sessions=%d", n), fmt.Sprintf("DataPathBareLoop/sessions=%d", n), label)
}

// establishedIn is the same row for benchmarks named otherwise.
func establishedIn(bench, bare, label string) Figure {
	return Figure{Group: GroupDataPath, Name: "established, " + label + " sessions",
		Bench: bench, Metric: "Mpps", Unit: "Mpps", Target: ge(5, "≥ 5 Mpps"),
		Ref: &Ref{Label: "bare loop", Bench: bare, Metric: "Mpps"}}
}

// establishedRatio is the established row at n sessions judged by its
// ratio to the bare loop (issue 22: ≥ 0.3× at every size).
func establishedRatio(n int, label string) Figure {
	f := established(n, label)
	f.Name += ", beside the bare loop"
	f.Target = &Target{Text: "≥ 0.3× the bare loop", AtLeast: true, Value: 0.3, OnRatio: true}
	return f
}

func completion(sub, line string) Figure {
	return Figure{Group: GroupCLI, Name: "completion of `" + line + "`", Bench: "CompletePerf/" + sub,
		Metric: "ns/op", Scale: 1e-6, Unit: "ms", Target: le(10, "≤ 10 ms")}
}

// Figures are the rows of the report; adding a figure is adding a line.
var Figures = []Figure{
	established(1_000, "1 K"),
	established(100_000, "100 K"),
	established(1_000_000, "1 M"),
	establishedIn("DataPath10M", "DataPathBareLoop10M", "10 M"),
	establishedRatio(1_000, "1 K"),
	establishedRatio(100_000, "100 K"),
	establishedRatio(1_000_000, "1 M"),
	{Group: GroupDataPath, Name: "new sessions, steady state (as many expire as open)", Bench: "DataPathNewSessionsSteady", Metric: "Msessions/s", Unit: "M/s", Target: ge(1, "≥ 1 M/s"),
		Note: "every packet opens a session; the timer wheel expires as many (close, destroy, NAT port release): a running box"},
	{Group: GroupDataPath, Name: "new sessions, filling an empty PIC (1 M per run)", Bench: "DataPathNewSessions", Metric: "Msessions/s", Unit: "M/s",
		Note: "includes the first touch of fresh slabs and table pages (the table is sized once from the object cache, never rehashed)"},
	{Group: GroupDataPath, Name: "object cache per session: objects (flow + plugin state)", Bench: "DataPathEstablished/sessions=1000000", Metric: "cache-B/session", Unit: "B", Target: le(256, "≤ 256 B")},
	{Group: GroupDataPath, Name: "object cache per session: reserved (slabs and session table included), 1 M sessions", Bench: "DataPathMemory", Metric: "cache-reserved-B/session", Unit: "B", Target: le(256, "≤ 256 B"),
		Note: "in object-cache-size 320, sized for them: the session table (sized from the budget, 56 B a session at its highest load) is charged to the cache"},
	{Group: GroupDataPath, Name: "object cache held by 10 M sessions", Bench: "DataPath10M", Metric: "cache-reserved-B/session", Scale: 1e7 / (1 << 30), Unit: "GiB", Target: le(4, "≤ 4 GiB"),
		Note: "measured at 10 M sessions in a 4 GiB object cache: reserved bytes per session × 10 M, the session tables included (sized for the whole 4 GiB)"},
	{Group: GroupDataPath, Name: "PIC resident memory at 1 M sessions, over its object cache", Bench: "DataPathMemory", Metric: "rss/cache", Unit: "×", Target: le(1.2, "≤ 1.2 × the object cache"),
		Note: "RSS of the process once the sessions are open, less its RSS before the PIC was built (the fixed overhead), ÷ object-cache-size 320 MB"},
	{Group: GroupDataPath, Name: "PIC resident memory at 1 M sessions", Bench: "DataPathMemory", Metric: "rss-MB", Unit: "MB",
		Ref: &Ref{Label: "object cache", Bench: "DataPathMemory", Metric: "cache-MB"}},
	{Group: GroupDataPath, Name: "PIC peak resident memory while 1 M sessions open", Bench: "DataPathMemory", Metric: "rss-peak-MB", Unit: "MB",
		Ref: &Ref{Label: "object cache", Bench: "DataPathMemory", Metric: "cache-MB"}},
	{Group: GroupDataPath, Name: "allocations per packet, established (1 M)", Bench: "DataPathEstablished/sessions=1000000", Metric: "allocs/op", Unit: "", Target: le(0, "0")},
	{Group: GroupDataPath, Name: "allocations per packet, new sessions", Bench: "DataPathNewSessions", Metric: "allocs/op", Unit: "", Target: le(0, "0")},
	{Group: GroupDataPath, Name: "fragments of an established session, in order (3,000-byte UDP in three)", Bench: "DataPathFragments/in-order", Metric: "Mpps", Unit: "Mpps",
		Note: "fragment tracker and core, vectors of three: most of it is copying the datagram in"},
	{Group: GroupDataPath, Name: "fragments, first fragment last (two held, then released)", Bench: "DataPathFragments/first-last", Metric: "Mpps", Unit: "Mpps"},
	{Group: GroupDataPath, Name: "ICMP errors related to an established session (fragmentation needed, NAT-rewritten)", Bench: "DataPathICMPError", Metric: "Mpps", Unit: "Mpps",
		Note: "one error per vector"},
	{Group: GroupDataPath, Name: "allocations per fragment and per ICMP error", Bench: "DataPathFragments/first-last", Metric: "allocs/op", Unit: "", Target: le(0, "0")},
	{Group: GroupDataPath, Name: "scaling: 2 data cores, aggregate (100 K sessions each)", Bench: "DataPathScaling/cores=2", Metric: "Mpps", Unit: "Mpps",
		Target: &Target{Text: "near-linear: ≥ 1.8× one core", AtLeast: true, Value: 1.8, OnRatio: true},
		Ref:    &Ref{Label: "1 core", Bench: "DataPathScaling/cores=1", Metric: "Mpps"}},
	{Group: GroupDataPath, Name: "scaling: 4 data cores, aggregate", Bench: "DataPathScaling/cores=4", Metric: "Mpps", Unit: "Mpps",
		Ref: &Ref{Label: "1 core", Bench: "DataPathScaling/cores=1", Metric: "Mpps"}, Note: "meaningful only with 4 free cores"},

	{Group: GroupSessions, Name: "`show services sessions count` at 1 M sessions", Bench: "SessionCount/all", Metric: "ns/op", Scale: 1e-6, Unit: "ms", Target: le(100, "≤ 100 ms"),
		Note: "through the whole node: CLI over the management socket, servicesd, the PIC's stream; unfiltered, the cores' session counters answer"},
	{Group: GroupSessions, Name: "`show services sessions count source-prefix 10.0.0.0/8` at 1 M sessions", Bench: "SessionCount/filtered", Metric: "ns/op", Scale: 1e-6, Unit: "ms", Target: le(100, "≤ 100 ms"),
		Note: "a walk of both data cores' lists of live sessions in slices of 8,192, reading every session"},
	{Group: GroupSessions, Name: "CPU time of the filtered count", Bench: "SessionCount/filtered", Metric: "cpu-ms/op", Unit: "ms",
		Note: "user + system time of the whole process per query: its cost apart from waiting for a core on a shared machine"},
	{Group: GroupSessions, Name: "process heap after the counts", Bench: "SessionCount/filtered", Metric: "heap-MB-after", Unit: "MB",
		Ref: &Ref{Label: "before", Bench: "SessionCount/filtered", Metric: "heap-MB-before"}},
	{Group: GroupSessions, Name: "process RSS after the counts", Bench: "SessionCount/filtered", Metric: "rss-MB-after", Unit: "MB",
		Ref: &Ref{Label: "before", Bench: "SessionCount/filtered", Metric: "rss-MB-before"}},

	{Group: GroupCommit, Name: "load override + commit (configd, store with fsync)", Bench: "LoadCommitPerf", Metric: "ns/op", Scale: 1e-9, Unit: "s", Target: le(2, "≤ 2 s")},
	{Group: GroupCommit, Name: "load + commit through the node, until the PIC holds every SSRB", Bench: "LoadCommitToPICSynced", Metric: "median-ms/to-PIC-synced", Scale: 1e-3, Unit: "s",
		Note: "includes servicesd and the PIC resync; SPEC's 2 s is for load + commit"},
	{Group: GroupCommit, Name: "one-leaf change: set + commit (configd)", Bench: "OneLeafCommitPerf", Metric: "ns/op", Scale: 1e-6, Unit: "ms", Target: le(50, "≤ 50 ms")},
	{Group: GroupCommit, Name: "one-leaf change: commit → PIC acknowledgement (median)", Bench: "OneLeafCommitToAck", Metric: "median-ms/commit-to-ack", Unit: "ms", Target: le(50, "≤ 50 ms")},
	{Group: GroupCommit, Name: "one-leaf change: commit → acknowledgement of a PIC on another host (veth, TCP, mutual TLS; median)",
		Bench: "RemoteCommitToAck/pic=veth-tls", Metric: "median-ms/commit-to-ack", Unit: "ms", Target: le(50, "≤ 50 ms"),
		Ref:  &Ref{Label: "PIC on the Unix socket, same run", Bench: "RemoteCommitToAck/pic=local", Metric: "median-ms/commit-to-ack"},
		Note: "picd in its own network namespace, its stream over a veth pair with gRPC's TLS credentials (TLS 1.3, ECDSA P-256); root only"},
	{Group: GroupCommit, Name: "`show | compare` of a one-leaf change", Bench: "ComparePerf", Metric: "ns/op", Scale: 1e-6, Unit: "ms", Target: le(100, "≤ 100 ms")},
	{Group: GroupCommit, Name: "one-leaf commit at 10,000 beside 1,000 service-sets", Bench: "CommitSize/service-sets=10000/one-leaf", Metric: "ns/op", Scale: 1e-6, Unit: "ms",
		Target: &Target{Text: "proportional to the change: ≤ 1.5× at 10× the size", Value: 1.5, OnRatio: true},
		Ref:    &Ref{Label: "1,000 service-sets", Bench: "CommitSize/service-sets=1000/one-leaf", Metric: "ns/op"},
		Note:   "each size measured in its own benchmark, one after the other: the alternating rows below are the ones to read on a loaded machine"},
	{Group: GroupCommit, Name: "one-leaf commit at 10,000 beside 1,000 service-sets, alternating (median)", Bench: "OneLeafCommitScale/plain", Metric: "median-ms/10000", Unit: "ms",
		Target: &Target{Text: "≤ 1.5× at 10× the size", Value: 1.5, OnRatio: true},
		Ref:    &Ref{Label: "1,000 service-sets", Bench: "OneLeafCommitScale/plain", Metric: "median-ms/1000"},
		Note:   "configd with fsync; each iteration commits once on each configuration, so both see the same load"},
	{Group: GroupCommit, Name: "the same with a group applied at the top level (every commit expands)", Bench: "OneLeafCommitScale/groups", Metric: "median-ms/10000", Unit: "ms",
		Target: &Target{Text: "≤ 1.5× at 10× the size", Value: 1.5, OnRatio: true},
		Ref:    &Ref{Label: "1,000 service-sets", Bench: "OneLeafCommitScale/groups", Metric: "median-ms/1000"},
		Note:   "groups.ExpandFrom reuses the committed expansion of every subtree the edit did not touch"},
	{Group: GroupCommit, Name: "one-leaf commit, bytes allocated, at 10,000 beside 1,000 service-sets", Bench: "CommitSize/service-sets=10000/one-leaf", Metric: "B/op", Scale: 1e-3, Unit: "kB",
		Ref:  &Ref{Label: "1,000 service-sets", Bench: "CommitSize/service-sets=1000/one-leaf", Metric: "B/op"},
		Note: "a long list's children are chunks (configd/tree/kids.go): an edit copies one path of chunks, not the 10,000-entry list (which cost 8 bytes an entry)"},

	completion("keyword", "set services serv"),
	completion("service-set_keys", "set services service-set ss99"),
	completion("all_service-set_keys", "set services service-set "),
	completion("deep", "set services stateful-firewall rule r5000 term t1 from "),
	{Group: GroupCLI, Name: "10,000 `set … static route` lines then `commit`, to the kernel", Bench: "SetLinesToKernel", Metric: "gnos-s", Unit: "s",
		Target: le(2.5, "≤ 2.5 s"), Ref: &Ref{Label: "FRR vtysh -f", Bench: "SetLinesToKernel", Metric: "frr-s"},
		Note: "lab/: the lines piped into `gnos cli` (the script front end sends the lines it has read as batches; the store fsyncs each batch's edits before its replies), until every route is in the router namespace's kernel table; FRR 8.4 zebra + staticd loading the same routes with `vtysh -f` in the same kind of namespace, until the kernel holds them"},
	{Group: GroupCLI, Name: "start-up to `show version`, empty data directory", Bench: "Startup/empty", Metric: "s", Unit: "s", Target: le(1, "≤ 1 s")},
	{Group: GroupCLI, Name: "start-up to `show version`, performance configuration committed", Bench: "Startup/performance", Metric: "s", Unit: "s", Target: le(1, "≤ 1 s")},

	{Group: GroupNetconf, Name: "small get-configuration RPCs, one session", Bench: "GetConfiguration", Metric: "rpcs/s", Unit: "RPCs/s", Target: ge(1000, "≥ 1,000 RPCs/s")},
	{Group: GroupNetconf, Name: "concurrent sessions", Bench: "GetConfiguration100Sessions", Metric: "sessions", Unit: "", Target: ge(100, "100")},
	{Group: GroupNetconf, Name: "RPCs/s over 100 concurrent sessions, aggregate", Bench: "GetConfiguration100Sessions", Metric: "rpcs/s", Unit: "RPCs/s"},

	{Group: GroupGNMI, Name: "Subscribe ONCE of /state/services, one update a leaf (5 a service-set)", Bench: "GNMI/subscribe-once",
		Metric: "updates/s", Unit: "updates/s", Ref: &Ref{Label: "Get of the same state as one JSON_IETF value", Bench: "GNMI/get", Metric: "leaves/s"}},
	{Group: GroupGNMI, Name: "Set of one service-set leaf until the PIC acknowledges its new generation", Bench: "GNMI/set-to-pic-ack",
		Metric: "ns/op", Scale: 1e-6, Unit: "ms", Ref: &Ref{Label: "the same change committed through configd", Bench: "GNMI/commit-to-pic-ack", Metric: "ns/op"}},

	{Group: GroupLive, Name: "UDP forwarding, 64-byte payloads", Bench: "Live*", Metric: "gnos-pps", Unit: "packets/s",
		Note: "lab/: gnos next-hop sfw + napt-44 through TUN service interfaces and picd, beside nftables + conntrack doing the same job between the same namespaces",
		Ref:  &Ref{Label: "nftables", Bench: "Live*", Metric: "nft-pps"}},
	{Group: GroupLive, Name: "TCP connections (open, exchange, close)", Bench: "Live*", Metric: "gnos-conn/s", Unit: "conn/s",
		Target: &Target{Text: "≥ 0.9× nftables", AtLeast: true, Value: 0.9, OnRatio: true},
		Ref:    &Ref{Label: "nftables", Bench: "Live*", Metric: "nft-conn/s"}},
	{Group: GroupLive, Name: "TCP bulk, iperf3 one stream", Bench: "Live*", Metric: "gnos-tcp-Gbit/s", Unit: "Gbit/s",
		Note:   "TUN queues with IFF_VNET_HDR and TSO/USO/checksum offload: GSO super-packets through the chain once",
		Target: &Target{Text: "≥ 0.5× nftables", AtLeast: true, Value: 0.5, OnRatio: true},
		Ref:    &Ref{Label: "nftables", Bench: "Live*", Metric: "nft-tcp-Gbit/s"}},
	{Group: GroupLive, Name: "TCP bulk beside plain Linux forwarding", Bench: "Live*", Metric: "gnos-tcp-Gbit/s", Unit: "Gbit/s",
		Ref: &Ref{Label: "plain forwarding", Bench: "Live*", Metric: "plain-tcp-Gbit/s"}},
	{Group: GroupLive, Name: "TCP bulk, CPU per Gbit (every core's busy time, endpoints included)", Bench: "Live*", Metric: "gnos-tcp-cpu-s/Gbit", Unit: "CPU-s/Gbit",
		Ref: &Ref{Label: "nftables", Bench: "Live*", Metric: "nft-tcp-cpu-s/Gbit"}},
	{Group: GroupLive, Name: "TCP bulk, CPU per Gbit of the gnos process alone", Bench: "Live*", Metric: "gnos-process-cpu-s/Gbit", Unit: "CPU-s/Gbit"},
	{Group: GroupLive, Name: "UDP 64-byte payloads, iperf3 unlimited sender, received", Bench: "Live*", Metric: "gnos-udp-pps", Unit: "packets/s",
		Target: &Target{Text: "≥ 0.5× nftables", AtLeast: true, Value: 0.5, OnRatio: true},
		Ref:    &Ref{Label: "nftables", Bench: "Live*", Metric: "nft-udp-pps"}},
	{Group: GroupLive, Name: "UDP 64-byte payloads beside plain Linux forwarding", Bench: "Live*", Metric: "gnos-udp-pps", Unit: "packets/s",
		Ref: &Ref{Label: "plain forwarding", Bench: "Live*", Metric: "plain-udp-pps"}},
	{Group: GroupLive, Name: "UDP unlimited sender, share lost end to end", Bench: "Live*", Metric: "gnos-udp-loss-%", Unit: "%",
		Ref: &Ref{Label: "nftables", Bench: "Live*", Metric: "nft-udp-loss-%"}},
	{Group: GroupLive, Name: "UDP unlimited sender, share dropped at the TUN service interfaces", Bench: "Live*", Metric: "gnos-udp-tun-loss-%", Unit: "%",
		Note: "datagrams the kernel queued toward picd with no room, beside the whole loss through nftables (issue 22: below the kernel's own)",
		Ref:  &Ref{Label: "nftables, end to end", Bench: "Live*", Metric: "nft-udp-loss-%"}},
}

// Plot is a figure of cost against work size: one line per series, x
// taken from the benchmark name.
type Plot struct {
	File, Title, XLabel, YLabel string
	LogX, LogY                  bool
	Series                      []Series
}

// Series is one line of a plot: every benchmark whose name matches Match
// (the first capture group that matched is the x value, K and M
// suffixes allowed: "10M"), metric × Scale as y. A series with
// LinearFrom set is not measured: it is the line through the origin and
// the first point of series number LinearFrom (proportional growth, drawn
// dashed), for the eye to compare with.
type Series struct {
	Label      string
	Match      string
	Metric     string
	Scale      float64
	LinearFrom *int
}

func series(i int) *int { return &i }

// Plots are written under docs/perf/.
var Plots = []Plot{
	{File: "commit-vs-size.svg", Title: "Commit time against configuration size", XLabel: "service-sets (5 firewall terms each)", YLabel: "ms (log)", LogY: true,
		Series: []Series{
			{Label: "load override + commit", Match: `^CommitSize/service-sets=(\d+)/load\+commit$`, Metric: "ns/op", Scale: 1e-6},
			{Label: "one-leaf set + commit", Match: `^CommitSize/service-sets=(\d+)/one-leaf$`, Metric: "ns/op", Scale: 1e-6},
			{Label: "load + commit growing in proportion to the size", LinearFrom: series(0)},
		}},
	{File: "pps-vs-sessions.svg", Title: "Data-path throughput against concurrent sessions (one core)", XLabel: "concurrent sessions (log)", YLabel: "Mpps (log)", LogX: true, LogY: true,
		Series: []Series{
			{Label: "gnos sfw → nat, established", Match: `^DataPath(?:Established/sessions=(\d+)|(\d+[KM]))$`, Metric: "Mpps", Scale: 1},
			{Label: "bare loop (memory limit)", Match: `^DataPathBareLoop(?:/sessions=(\d+)|(\d+[KM]))$`, Metric: "Mpps", Scale: 1},
		}},
	{File: "pps-vs-cores.svg", Title: "Data-path aggregate throughput against data cores (100 K sessions each)", XLabel: "data cores", YLabel: "Mpps",
		Series: []Series{
			{Label: "gnos sfw → nat, established", Match: `^DataPathScaling/cores=(\d+)$`, Metric: "Mpps", Scale: 1},
			{Label: "linear scaling", LinearFrom: series(0)},
		}},
}
