// Package packetio moves packets in and out of a PIC's data plane. Port
// is an in-process packet port in the spirit of a channel link endpoint
// (inject raw IP packets, capture what leaves, by side), the Generator
// makes flows x packets traffic on an injected clock, and WritePcap /
// ReadCapture turn captures into pcap and read pcap or pcapng back for
// replay; tests and `request services traffic` use the same code. Live
// (live.go) is the live data plane's packet I/O: the multi-queue TUN
// devices of service interface units, one queue per data core, following
// the SSRBs picd holds.
package packetio
