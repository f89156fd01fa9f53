package netconf

import "golang.org/x/crypto/ssh"

// The SSH algorithms offered are OpenSSH 9's defaults, in its order of
// preference, less those x/crypto/ssh does not implement (sntrup761,
// group18, umac, the sha1-etm MAC). Nothing with a known weakness is
// offered: not diffie-hellman-group14-sha1, not hmac-sha1-96.
var (
	sshKeyExchanges = []string{
		ssh.KeyExchangeMLKEM768X25519,
		ssh.KeyExchangeCurve25519,
		"curve25519-sha256@libssh.org",
		ssh.KeyExchangeECDHP256,
		ssh.KeyExchangeECDHP384,
		ssh.KeyExchangeECDHP521,
		ssh.KeyExchangeDHGEXSHA256,
		ssh.KeyExchangeDH16SHA512,
		ssh.KeyExchangeDH14SHA256,
	}
	sshCiphers = []string{
		ssh.CipherChaCha20Poly1305,
		ssh.CipherAES128CTR,
		ssh.CipherAES192CTR,
		ssh.CipherAES256CTR,
		ssh.CipherAES128GCM,
		ssh.CipherAES256GCM,
	}
	sshMACs = []string{
		ssh.HMACSHA256ETM,
		ssh.HMACSHA512ETM,
		ssh.HMACSHA256,
		ssh.HMACSHA512,
		ssh.HMACSHA1,
	}
)

// sshConfig is the algorithm part of the server's ssh.ServerConfig.
func sshConfig() ssh.Config {
	return ssh.Config{KeyExchanges: sshKeyExchanges, Ciphers: sshCiphers, MACs: sshMACs}
}
