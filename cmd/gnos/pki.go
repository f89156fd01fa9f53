package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/gnos/gnos/internal/pki"
)

// pkiFlags are the flags of `gnos pki`.
type pkiFlags struct {
	fpc, pic int
	out      string
	days     int
	serial   string
}

// pkiCmd runs `gnos pki init|issue|server|list|revoke` on the CA in
// DATA/pki (internal/pki): the certificates of PICs on other hosts.
func pkiCmd(data string, args []string, f pkiFlags) error {
	if len(args) != 1 {
		return errors.New("usage: gnos pki [--data DIR] init|issue|server|list|revoke [--fpc F --pic P] [--out DIR] [--days N] [--serial HEX]")
	}
	dir := pki.Dir(data)
	slot := func() (pki.Slot, error) {
		if f.fpc < 0 || f.pic < 0 {
			return pki.Slot{}, fmt.Errorf("pki %s: --fpc F and --pic P are required", args[0])
		}
		return pki.Slot{FPC: f.fpc, PIC: f.pic}, nil
	}
	switch args[0] {
	case "init":
		if _, err := pki.Init(dir, nil); err != nil {
			return err
		}
		fmt.Printf("CA and servicesd certificate in %s\n", dir)
		return nil
	case "server":
		ca, err := pki.Open(dir, nil)
		if err != nil {
			return fmt.Errorf("%w (gnos pki init makes the CA)", err)
		}
		leaf, err := ca.IssueServer()
		if err != nil {
			return err
		}
		fmt.Printf("servicesd certificate %s serial %s, valid until %s; new connections use it\n",
			leaf.Cert, leaf.Serial, leaf.NotAfter.UTC().Format(time.RFC3339))
		return nil
	case "issue":
		s, err := slot()
		if err != nil {
			return err
		}
		ca, err := pki.Init(dir, nil)
		if err != nil {
			return err
		}
		out := f.out
		if out == "" {
			out = filepath.Join(dir, "issued")
		}
		if f.days <= 0 {
			return fmt.Errorf("pki issue: --days must be positive")
		}
		leaf, err := ca.IssuePIC(s, out, time.Duration(f.days)*24*time.Hour)
		if err != nil {
			return err
		}
		fmt.Printf("certificate of %s serial %s, valid until %s:\n  %s\n  %s\n  %s\n"+
			"copy them into DATA/pki on the PIC host, then: gnos picd --fpc %d --pic %d --connect HOST:PORT\n",
			s.CommonName(), leaf.Serial, leaf.NotAfter.UTC().Format(time.RFC3339),
			filepath.Join(out, "ca.crt"), leaf.Cert, leaf.Key, s.FPC, s.PIC)
		return nil
	case "list":
		ca, err := pki.Open(dir, nil)
		if err != nil {
			return fmt.Errorf("%w (gnos pki init makes the CA)", err)
		}
		issued, err := ca.List()
		if err != nil {
			return err
		}
		fmt.Printf("%-34s %-12s %-22s %s\n", "Serial", "Slot", "Valid until", "State")
		for _, is := range issued {
			state := "valid"
			switch {
			case is.Revoked:
				state = "revoked"
			case time.Now().After(is.NotAfter):
				state = "expired"
			}
			fmt.Printf("%-34s %-12s %-22s %s\n", is.Serial, is.Slot, is.NotAfter.UTC().Format(time.RFC3339), state)
		}
		return nil
	case "revoke":
		s, err := slot()
		if err != nil {
			return err
		}
		ca, err := pki.Open(dir, nil)
		if err != nil {
			return err
		}
		var serials []string
		if f.serial != "" {
			serials = append(serials, f.serial)
		}
		done, err := ca.Revoke(&s, serials...)
		if err != nil {
			return err
		}
		for _, d := range done {
			fmt.Fprintf(os.Stdout, "revoked %s of %s; servicesd refuses it from the next connection\n", d, s)
		}
		return nil
	}
	return fmt.Errorf("gnos pki: unknown subcommand %q", args[0])
}
