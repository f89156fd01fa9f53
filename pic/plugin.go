package pic

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"sync"

	"github.com/gnos/gnos/pic/compile"
)

// Mode says how a plugin sees traffic.
type Mode int

// Plugin modes.
const (
	SessionBased Mode = iota // events per session (first packet, open, close, …)
	PacketBased              // every packet, no session state
)

func (m Mode) String() string {
	if m == PacketBased {
		return "packet-based"
	}
	return "session-based"
}

// Plugin is a registered service plugin. Register it from the plugin
// package's init. Nothing about a plugin depends on registration (import)
// order: its ID derives from its name, and its place in a default service
// chain comes from ChainOrder.
type Plugin struct {
	Name    string // name in service-order and package lists
	Mode    Mode
	Restart bool // the control handler may be restarted after a panic
	// ChainOrder places the plugin in the forward chain of a service-set
	// without service-order: lower runs first (stateful-firewall 100
	// before nat 200, the Junos order); 0 places it after every plugin
	// that sets one. Ties keep the configured order.
	ChainOrder int
	// Layer3 makes the plugin one of the built-in services of the layer-3
	// service package: a PIC configured `service-package layer-3` (or
	// layer-2-3) loads it without a package line, as an MS-PIC runs
	// stateful firewall and NAT. extension-provider PICs load only the
	// packages they name.
	Layer3 bool
	// Compile turns a service-set's configuration into this plugin's
	// policy (runs in servicesd). It returns the policy bytes shipped to the
	// PIC and the configuration paths it read (see Dep), so servicesd
	// recompiles only the service-sets a commit touched.
	Compile func(in *compile.Input) (policy []byte, deps []string, err error)
	// Check runs the plugin's own checks of a compiled policy without side
	// effects (JSONCheck for JSONControl plugins). servicesd runs it in
	// the commit's validate phase, so `commit check` and `commit` refuse a
	// policy the PIC would refuse, with the service-set's path; the PIC
	// repeats the checks when it installs the policy. nil: none.
	Check func(policy []byte) error
	// Control returns a new control handler (one per PIC, and a new one
	// after a restart).
	Control func() ControlHandler
	// Data returns the plugin's data handler (one per PIC, called from
	// every data core); nil for a plugin without a data path.
	Data func() DataHandler
	// Module is the YANG module that brings the plugin's configuration
	// ("" for none): its leaves are the plugin's properties (show services
	// service-sets plug-ins detail, compile.Properties).
	Module string
	// Commands are the plugin's own show commands; cli/services adds them to
	// the CLI table and the PIC answers them through the data handler
	// (which must implement Shower).
	Commands []PluginCommand

	id   int // derived from Name, set by Register
	slot int // dense index in this process's registry, set by Register
}

// PluginCommand is a plugin's operational command: Words (after "show"),
// its RPC name and help. The reply is the rows of the data handler's Show.
type PluginCommand struct {
	Words []string
	RPC   string
	Help  string
	// Verb is the command's first word: "show" (the default) or "clear".
	// A clear command closes the sessions of every service-set the plugin
	// holds a policy for (clear services stateful-firewall flows).
	Verb string
	// Sessions: the reply lists sessions; the data handler (a
	// SessionShower) answers for each session on its data core.
	Sessions bool
	// Args are the command's arguments; each filters the reply's rows.
	Args []PluginArg
	// Text renders the rows of one PIC (interface) for the terminal;
	// nil prints each row as a block of "name: value" lines.
	Text func(w io.Writer, iface string, rows []ShowRow)
}

// PluginArg is an argument of a plugin command. Given, it keeps the rows
// whose field Field equals its value.
type PluginArg struct {
	Name       string // keyword, or the value's name when Positional
	Help       string
	Positional bool // a bare value (show services nat pool NAME)
	Field      string
}

// Command returns the plugin's command with that RPC name, nil if none.
func (p *Plugin) Command(rpc string) *PluginCommand {
	for i := range p.Commands {
		if p.Commands[i].RPC == rpc {
			return &p.Commands[i]
		}
	}
	return nil
}

// Shower is implemented by data handlers that answer their plugin's
// commands. It runs on the control core and must only read what is safe
// to read concurrently with the data cores (atomics, the policies given).
type Shower interface {
	Show(command string, sets []ShowSet) []ShowRow
}

// ShowSet is a service-set as Show sees it: its policy for the plugin.
type ShowSet struct {
	ID     uint32
	Name   string
	Policy any
}

// ID is the plugin's numeric identifier, shown by show services
// service-sets plug-ins: derived from its name alone (PluginID), so it is
// the same in every build and whatever other plugins are linked in.
func (p *Plugin) ID() int { return p.id }

// Slot is the plugin's dense index in this process's registry: its slot
// in the policy DB and in the data path's handler table (ControlEvent and
// DataCtx carry it as Plugin). It depends on what is linked in, so it
// never leaves the process.
func (p *Plugin) Slot() int { return p.slot }

// PluginID derives a plugin's ID from its name: FNV-1a, folded to 16 bits.
// Register refuses two names with the same ID.
func PluginID(name string) int {
	h := uint32(2166136261)
	for i := 0; i < len(name); i++ {
		h = (h ^ uint32(name[i])) * 16777619
	}
	return int(h>>16 ^ h&0xffff)
}

// ControlKind is the kind of a control event.
type ControlKind int

// Control events.
const (
	EvInit ControlKind = iota
	EvPolicyAdd
	EvPolicyChange
	EvPolicyDelete
	EvHAState
	EvStop
	EvDestroy
)

var kindNames = [...]string{"init", "policy-add", "policy-change", "policy-delete", "ha-state", "stop", "destroy"}

func (k ControlKind) String() string { return kindNames[k] }

// ControlEvent is one control event. For EvInit, DB, Cache and Log are set;
// for policy events ServiceSet, Name, Gen and Policy; for EvHAState, Blob
// (what the handler's StateSaver returned); EvStop and EvDestroy carry
// nothing but Kind and Plugin. The order events come in is the package
// comment's.
type ControlEvent struct {
	Kind       ControlKind
	Plugin     int
	ServiceSet uint32
	Name       string // service-set name
	Gen        uint64
	Policy     []byte // the compiled policy (policy add/change)
	Blob       []byte // HA state
	DB         *PolicyDB
	Cache      *ObjectCache
	Log        *slog.Logger
}

// ControlHandler receives a plugin's control events on the PIC's control
// core, one at a time. An error rejects the event (the update is
// acknowledged with it); a panic is recovered and restarts the plugin (or
// the PIC, see Plugin.Restart).
type ControlHandler interface {
	Control(ctx context.Context, ev *ControlEvent) error
}

// StateSaver is implemented by control handlers that keep plugin-wide
// state worth keeping across a crash or a switchover (beyond what the
// policies rebuild and the sessions' HA blobs hold). SaveState runs on
// the control core when the PIC saves its sessions; what it returns (at
// most MaxControlBlob bytes; nil: nothing) comes back as an EvHAState
// event to the handler of the PIC that restores them, after its
// policies and before its sessions.
type StateSaver interface {
	SaveState(ctx context.Context) ([]byte, error)
}

// MaxControlBlob bounds a control handler's HA state blob.
const MaxControlBlob = 64 << 10

// ControlFunc adapts a function to ControlHandler.
type ControlFunc func(ctx context.Context, ev *ControlEvent) error

// Control calls f.
func (f ControlFunc) Control(ctx context.Context, ev *ControlEvent) error { return f(ctx, ev) }

var registry struct {
	mu      sync.RWMutex // guards the fields below
	byName  map[string]*Plugin
	byID    map[int]*Plugin
	ordered []*Plugin
}

// Register adds a plugin. It panics on a duplicate or invalid plugin: a
// programming error caught at start-up.
func Register(p *Plugin) {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	if registry.byName == nil {
		registry.byName, registry.byID = map[string]*Plugin{}, map[int]*Plugin{}
	}
	id := PluginID(p.Name)
	switch {
	case p.Name == "" || p.Control == nil || p.Compile == nil:
		panic(fmt.Sprintf("pic: plugin %q needs a name, a compiler and a control handler", p.Name))
	case registry.byName[p.Name] != nil:
		panic(fmt.Sprintf("pic: plugin %q registered twice", p.Name))
	case registry.byID[id] != nil:
		panic(fmt.Sprintf("pic: plugins %q and %q have the same id %d: rename one", p.Name, registry.byID[id].Name, id))
	case len(registry.ordered) >= MaxPlugins:
		panic(fmt.Sprintf("pic: more than %d plugins", MaxPlugins))
	}
	p.id, p.slot = id, len(registry.ordered)
	registry.byName[p.Name] = p
	registry.byID[id] = p
	registry.ordered = append(registry.ordered, p)
}

// Lookup returns the plugin registered as name, or nil.
func Lookup(name string) *Plugin {
	registry.mu.RLock()
	defer registry.mu.RUnlock()
	return registry.byName[name]
}

// Layer3Packages returns the names of the layer-3 service package's
// plugins (Plugin.Layer3), sorted by name.
func Layer3Packages() []string {
	var out []string
	for _, p := range Plugins() {
		if p.Layer3 {
			out = append(out, p.Name)
		}
	}
	return out
}

// Plugins returns the registered plugins sorted by name.
func Plugins() []*Plugin {
	registry.mu.RLock()
	out := append([]*Plugin(nil), registry.ordered...)
	registry.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
