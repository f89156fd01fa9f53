package crypt

import "testing"

// Vectors from Drepper's sha-crypt specification and from
// `openssl passwd -6|-5|-1 -salt …`.
var vectors = []struct{ name, hash, password string }{
	{"spec sha256", "$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5", "Hello world!"},
	{"spec sha512", "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1", "Hello world!"},
	{"spec sha256 rounds", "$5$rounds=10000$saltstringsaltst$3xv.VbSHBb41AL9AvLeujZkZRBAwqFMz2.opqey6IcA", "Hello world!"},
	{"spec sha512 rounds", "$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.", "Hello world!"},
	{"openssl sha512", "$6$saltsaltsa$FSDyJRMIljmAr8kLzB8wOvWc69CjAJkcrNoUCZl1zm7LItThESIVP866fvlr/.qtsoOmCiRdSjYOwZSt8TK.i1", "secret"},
	{"openssl sha512 long", "$6$saltsaltsa$3gmXYXtHSQPhhE1lCcs6ctIOYLwMMOM.QvinhCBE5A/KCKDpqfxbqg1NJ5c.29WPYg6MJfTUUj46RjgqsAcD3/", "a much longer password that exceeds sixty four bytes in length to test the loops ok"},
	{"openssl sha512 rounds", "$6$rounds=10000$abc$UCUqOk6gcu9ZZtND2Z0UgYk8lwpVRmtR53Lsvl5g.kCesFgYAcUnyv3CZaGPARyVDChSCfm/81bYK.MFc2KRz1", "x"},
	{"openssl sha256", "$5$saltsaltsa$7FH8lryCOtz2yxxVoCG7/ixM0ctQ3PFe/xHrVkHKeC7", "secret"},
	{"openssl sha256 long", "$5$saltsaltsa$I.XjBM6xpE0yeLhmR6AkeYUsGV0H/VPH5yxMsqdsHQ.", "a much longer password that exceeds sixty four bytes in length to test the loops ok"},
	{"openssl md5", "$1$saltsalt$9xy1btjgzLYfb7hivXtC//", "secret"},
	{"openssl md5 empty", "$1$saltsalt$5Jhcit4zN9UlGiA0txPkO0", ""},
	{"openssl md5 long", "$1$saltsalt$eUewYNJKlYCVbyB9cZOqI/", "a much longer password that exceeds sixty four bytes in length to test the loops ok"},
}

func TestVectors(t *testing.T) {
	for _, v := range vectors {
		t.Run(v.name, func(t *testing.T) {
			got, err := Crypt(v.password, v.hash)
			if err != nil || got != v.hash {
				t.Fatalf("Crypt = %q, %v; want %q", got, err, v.hash)
			}
			if ok, _ := Verify(v.hash, v.password+"x"); ok {
				t.Fatalf("Verify accepted a wrong password")
			}
		})
	}
}

func TestHashVerify(t *testing.T) {
	h, err := Hash("s3cret")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := Verify(h, "s3cret"); !ok || err != nil {
		t.Fatalf("Verify(Hash(pw), pw) = %v, %v; want true", ok, err)
	}
	if ok, _ := Verify(h, "other"); ok {
		t.Fatalf("Verify accepted a wrong password")
	}
	if _, err := Verify("plain", "plain"); err == nil {
		t.Fatalf("Verify of an unknown format: got nil error, want ErrFormat")
	}
}
