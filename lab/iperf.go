package lab

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// iperf3 between the lab's namespaces: the bulk TCP and unlimited UDP
// figures of the live benchmark, and the offload test's transfer.

// IperfServer is an iperf3 server running in a namespace.
type IperfServer struct{ cmd *exec.Cmd }

// StartIperf starts `iperf3 -s` in namespace ns on port. The caller
// waits for it to listen by retrying its first client run.
func StartIperf(ns string, port int) (*IperfServer, error) {
	cmd := exec.Command("ip", "netns", "exec", ns, "iperf3", "-s", "-p", strconv.Itoa(port))
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("lab: iperf3 server: %w", err)
	}
	return &IperfServer{cmd: cmd}, nil
}

// Close stops the server (this process started it: ended by its pid).
func (s *IperfServer) Close() {
	s.cmd.Process.Kill()
	s.cmd.Wait()
}

// IperfResult is one iperf3 client run, as the client reports it (the
// received side is the server's count).
type IperfResult struct {
	Seconds      float64
	SentBytes    int64
	RecvBytes    int64
	Gbps         float64 // received
	Retransmits  int64   // TCP
	Packets      int64   // UDP: datagrams sent
	Lost         int64   // UDP: datagrams the server missed
	CPUSeconds   float64 // machine-wide busy CPU during the run (every core)
	SelfCPU      float64 // CPU seconds of this process (an in-process gnos) during the run
	ReceivedPPS  float64 // UDP: datagrams received per second
	LossFraction float64 // UDP: lost / sent
}

// CPUPerGbit is the machine's busy CPU seconds per Gbit received.
func (r IperfResult) CPUPerGbit() float64 {
	if r.RecvBytes == 0 {
		return 0
	}
	return r.CPUSeconds / (float64(r.RecvBytes) * 8 / 1e9)
}

// Iperf runs an iperf3 client in namespace ns against addr:port for d:
// TCP bulk when udpSize is 0, else UDP datagrams of udpSize bytes with no
// rate limit (-b 0).
func Iperf(ns, addr string, port int, d time.Duration, udpSize int) (IperfResult, error) {
	args := []string{"netns", "exec", ns, "iperf3", "-c", addr, "-p", strconv.Itoa(port), "-J",
		"-t", strconv.FormatFloat(d.Seconds(), 'f', 1, 64)}
	if udpSize > 0 {
		args = append(args, "-u", "-b", "0", "-l", strconv.Itoa(udpSize))
	}
	busy0, self0 := busyCPU(), selfCPU()
	out, err := exec.Command("ip", args...).Output()
	busy, self := busyCPU()-busy0, selfCPU()-self0
	var j struct {
		Error string `json:"error"`
		End   struct {
			SumSent struct {
				Seconds     float64 `json:"seconds"`
				Bytes       int64   `json:"bytes"`
				Retransmits int64   `json:"retransmits"`
			} `json:"sum_sent"`
			SumReceived struct {
				Seconds float64 `json:"seconds"`
				Bytes   int64   `json:"bytes"`
			} `json:"sum_received"`
			Sum struct {
				Seconds     float64 `json:"seconds"`
				Bytes       int64   `json:"bytes"`
				Packets     int64   `json:"packets"`
				LostPackets int64   `json:"lost_packets"`
			} `json:"sum"`
		} `json:"end"`
	}
	if jerr := json.Unmarshal(out, &j); jerr != nil {
		return IperfResult{}, fmt.Errorf("lab: iperf3 to %s: %v (%v): %.200s", addr, err, jerr, out)
	}
	if j.Error != "" {
		return IperfResult{}, fmt.Errorf("lab: iperf3 to %s: %s", addr, j.Error)
	}
	r := IperfResult{CPUSeconds: busy, SelfCPU: self}
	if udpSize == 0 {
		e := j.End
		r.Seconds, r.SentBytes, r.RecvBytes, r.Retransmits = e.SumReceived.Seconds, e.SumSent.Bytes, e.SumReceived.Bytes, e.SumSent.Retransmits
	} else {
		s := j.End.Sum
		r.Seconds, r.Packets, r.Lost = s.Seconds, s.Packets, s.LostPackets
		r.SentBytes = int64(udpSize) * s.Packets
		r.RecvBytes = int64(udpSize) * (s.Packets - s.LostPackets)
		if r.Seconds > 0 {
			r.ReceivedPPS = float64(s.Packets-s.LostPackets) / r.Seconds
		}
		if s.Packets > 0 {
			r.LossFraction = float64(s.LostPackets) / float64(s.Packets)
		}
	}
	if r.Seconds > 0 {
		r.Gbps = float64(r.RecvBytes) * 8 / r.Seconds / 1e9
	}
	return r, nil
}

// busyCPU returns the machine's busy CPU seconds so far (every core:
// /proc/stat's first line without idle and iowait).
func busyCPU() float64 {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	var busy float64
	for i, v := range f[1:] {
		if i == 3 || i == 4 || i >= 8 { // idle, iowait; guest time is already in user
			continue
		}
		n, _ := strconv.ParseFloat(v, 64)
		busy += n
	}
	return busy / 100 // USER_HZ
}

// selfCPU returns this process's CPU seconds so far.
func selfCPU() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}
