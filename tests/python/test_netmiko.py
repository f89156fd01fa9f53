"""netmiko (device_type juniper_junos) against the gnos SSH CLI, unmodified.

The Go test netconf/clients_test.go writes GNOS_CASES: a JSON list of
[command, output] pairs, each output what a CLI session prints for the
command. Every command sent through netmiko must come back byte for byte
the same (netmiko itself removes the echoed command and the prompt).
"""
import json
import os
import unittest

from netmiko import ConnectHandler

from gnostest import ADMIN, HOST, PORT, need_server


def connect():
    return ConnectHandler(device_type="juniper_junos", host=HOST, port=PORT,
                          username=ADMIN[0], password=ADMIN[1],
                          fast_cli=True, timeout=20)


@need_server
class Netmiko(unittest.TestCase):
    def test_commands_and_commit(self):
        with open(os.environ["GNOS_CASES"]) as f:
            cases = json.load(f)
        with connect() as conn:
            for command, want in cases:
                got = conn.send_command(command)
                self.assertEqual(got, want, "command %r" % command)
            conn.config_mode()
            out = conn.send_config_set(["set system domain-name netmiko.example"],
                                       exit_config_mode=False)
            self.assertNotIn("error", out)
            out = conn.commit()
            self.assertIn("commit complete", out)
            conn.exit_config_mode()
            got = conn.send_command("show configuration system domain-name")
            self.assertEqual(got, "domain-name netmiko.example;\n")
            conn.config_mode()
            conn.send_config_set(["delete system domain-name"], exit_config_mode=False)
            self.assertIn("commit complete", conn.commit())
            conn.exit_config_mode()
