// Package packetio moves packets in and out of a PIC's data plane without
// the kernel: Port is an in-process packet port in the spirit of a channel
// link endpoint (inject raw IP packets, capture what leaves, by side), the
// Generator makes flows x packets traffic on an injected clock, and
// WritePcap / ReadCapture turn captures into pcap and read pcap or pcapng
// back for replay. Tests and `request services traffic` use the same
// code. The live TUN queues are picd's (they follow its SSRBs).
package packetio
