package ifname

// LinkState is the live state of the Linux link behind a Junos interface,
// as the interface manager reads it through netlink and `show interfaces`
// reports it.
type LinkState struct {
	Linux     string
	Index     int
	Kind      string // veth, tun, …
	AdminUp   bool
	OperUp    bool
	MTU       int
	MAC       string
	RxPackets uint64
	TxPackets uint64
	RxBytes   uint64
	TxBytes   uint64
	RxErrors  uint64
	TxErrors  uint64
	RxDropped uint64
	TxDropped uint64
}
