package compose

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/configd/schema"
	"github.com/gnos/gnos/db"
	"github.com/gnos/gnos/internal/clock"
	"github.com/gnos/gnos/internal/ipc"
	"github.com/gnos/gnos/pic/picd"
	"github.com/gnos/gnos/servicesd"
	"google.golang.org/grpc"
)

// Services is servicesd running as its own process (`gnos servicesd`):
// its own small store (DATA/servicesd.db: generation epoch, service-set
// ids), the PIC socket, in-process picds for the configured PICs (a
// `gnos picd` process supersedes one), and a commit subscription to the
// configd behind the management socket, renewed with backoff whenever
// configd goes away. Each (re)subscription starts with the whole
// committed configuration, so servicesd is in sync with configd and the
// PICs are resynced with what changed meanwhile.
type Services struct {
	Store    *db.Store
	Services *servicesd.Servicesd
	PICs     *picd.Supervisor
	PICAddr  string // where servicesd listens for PICs of other hosts, if it does
	cc       *grpc.ClientConn
	cancel   context.CancelFunc
	done     chan struct{}
	ready    chan struct{}
	once     sync.Once
}

// ServicesStore is servicesd's store under a data directory when it runs
// apart (configd holds gnos.db).
func ServicesStore(dataDir string) string { return filepath.Join(dataDir, "servicesd.db") }

// StartServices starts servicesd apart from configd on a data directory
// (Options: DataDir, Clock, Log, NoSync).
func StartServices(ctx context.Context, o Options) (*Services, error) {
	if o.DataDir == "" {
		return nil, errors.New("servicesd: a data directory is required")
	}
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	if o.Log == nil {
		o.Log = defaultLog()
	}
	if err := os.MkdirAll(o.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("servicesd: %w", err)
	}
	sch, err := schema.Default()
	if err != nil {
		return nil, err
	}
	st, err := db.Open(ServicesStore(o.DataDir), db.Options{NoSync: o.NoSync})
	if err != nil {
		return nil, fmt.Errorf("servicesd: %w", err)
	}
	sv := &Services{Store: st, done: make(chan struct{}), ready: make(chan struct{})}
	sv.PICs = &picd.Supervisor{Clock: o.Clock, Log: o.Log,
		Dial: DialServicesd(o.DataDir), StateDir: PICStateDir(o.DataDir)}
	if o.Live != nil { // live data plane: the picds attach to the service interfaces of this namespace
		if sv.PICs.Live, err = HostNet(o.DataDir); err != nil {
			st.Close()
			return nil, err
		}
	}
	sv.Services, err = servicesd.New(servicesd.Options{Store: st, Clock: o.Clock, Log: o.Log,
		OnPICConfigured: sv.PICs.Start})
	if err == nil {
		err = sv.Services.Listen(servicesd.SocketPath(o.DataDir))
	}
	if err == nil && o.PICListen != "" {
		sv.PICAddr, err = listenPICs(sv.Services, o)
	}
	if err == nil {
		sv.cc, err = ipc.DialUnix(SocketPath(o.DataDir))
	}
	if err != nil {
		if sv.Services != nil {
			sv.Services.Close()
		}
		st.Close()
		return nil, err
	}
	ctx, sv.cancel = context.WithCancel(ctx)
	go sv.subscribe(ctx, o, sch)
	return sv, nil
}

// subscribe keeps servicesd subscribed to configd until ctx ends.
func (sv *Services) subscribe(ctx context.Context, o Options, sch *schema.Schema) {
	defer close(sv.done)
	backoff := 50 * time.Millisecond
	for ctx.Err() == nil {
		err := configd.RunRemote(ctx, sv.cc, sch, sv.Services, func() {
			sv.once.Do(func() { close(sv.ready) })
			backoff = 50 * time.Millisecond
		})
		if ctx.Err() != nil {
			return
		}
		o.Log.Warn("servicesd: configd subscription ended; retrying", "error", err, "in", backoff)
		wake := make(chan struct{})
		t := o.Clock.AfterFunc(backoff, func() { close(wake) })
		select {
		case <-wake:
		case <-ctx.Done():
			t.Stop()
			return
		}
		backoff = min(2*backoff, 2*time.Second)
	}
}

// Ready is closed once servicesd has applied the committed configuration.
func (sv *Services) Ready() <-chan struct{} { return sv.ready }

// Close stops the subscription, the in-process picds and servicesd.
func (sv *Services) Close() error {
	sv.cancel()
	<-sv.done
	sv.cc.Close()
	sv.PICs.Close()
	sv.Services.Close()
	return sv.Store.Close()
}
