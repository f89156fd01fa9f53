"""PyEZ (jnpr.junos) against gnos, unmodified."""
import json
import re
import unittest
import warnings

from jnpr.junos import Device
from jnpr.junos.exception import CommitError, ConfigLoadError, RpcError
from jnpr.junos.utils.config import Config

from gnostest import ADMIN, HOST, OPER, PORT, RO, need_server


def device(user=ADMIN):
    return Device(host=HOST, port=PORT, user=user[0], passwd=user[1],
                  gather_facts=True, normalize=True)


@need_server
class PyEZ(unittest.TestCase):
    def test_facts_and_rpcs(self):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with device() as dev:
                self.assertTrue(dev.facts["serialnumber"])
                self.assertEqual(dev.facts["RE0"]["status"], "OK")
                sw = dev.rpc.get_software_information()
                self.assertEqual(sw.findtext("host-name"), "lab1")
                self.assertIn("Hostname: lab1", dev.cli("show version", warning=False))
                cfg = dev.rpc.get_config(options={"format": "text"})
                self.assertIn("host-name lab1;", cfg.text)
                with self.assertRaises(RpcError):
                    dev.rpc.get_the_moon()
                if not re.match(r"^\d+\.\d+[RBIXSF-]", sw.findtext("junos-version")):
                    # PyEZ's version_info needs Junos' form (23.4R1.9): its
                    # software facts fail on anything else.
                    self.skipTest("junos-version %r is not in Junos form" % sw.findtext("junos-version"))
                self.assertEqual(dev.facts["hostname"], "lab1")
                self.assertEqual(dev.facts["model"], "VMX")
                self.assertTrue(dev.facts["version"])

    def test_config_load_diff_commit_rollback(self):
        with device() as dev:
            with Config(dev) as cu:
                cu.lock()
                cu.load("set system domain-name pyez.example", format="set")
                cu.load("system { time-zone UTC; }", format="text")
                cu.load("<system><host-name>pyez1</host-name></system>", format="xml")
                diff = " ".join(cu.diff().split())  # normalize=True folds whitespace
                self.assertIn("+ host-name pyez1;", diff)
                self.assertTrue(cu.commit_check())
                self.assertTrue(cu.commit(comment="from pyez", confirm=2))
                self.assertTrue(cu.commit(comment="confirm"))
                self.assertIsNone(cu.diff())
                cu.rollback(2)
                self.assertIn("- host-name pyez1;", " ".join(cu.diff().split()))
                self.assertTrue(cu.commit(comment="rolled back"))
                cu.unlock()
            self.assertEqual(dev.rpc.get_software_information().findtext("host-name"), "lab1")
            with self.assertRaises(ConfigLoadError):
                Config(dev).load("set system no-such-statement 1", format="set")
            Config(dev).rollback(0)

    def test_json(self):
        # Junos JSON both ways, as PyEZ scripts use it: get_config returns
        # a dict, Config.load(format="json") takes what it printed.
        with device() as dev:
            cfg = dev.rpc.get_config(options={"format": "json"})
            self.assertIsInstance(cfg, dict)
            self.assertEqual(cfg["configuration"]["system"]["host-name"], "lab1")
            self.assertIn("junos:changed-seconds", cfg["configuration"]["@"])  # the candidate
            with Config(dev) as cu:
                cu.load('{"configuration": {"system": {"domain-name": "json.example"}}}', format="json")
                self.assertIn("+ domain-name json.example;", " ".join(cu.diff().split()))
                cu.rollback(0)
                text = json.dumps(cfg)
                cu.load(text, format="json", overwrite=True)
                # only the version statement, which the printed
                # configuration carries and the store did not
                self.assertEqual(" ".join((cu.diff() or "").split()), "[edit] + version %s;" % cfg["configuration"]["version"])
                cu.rollback(0)

    def test_groups_inherit(self):
        # get_config(options={'inherit': 'inherit'}) returns the configuration
        # with groups applied; without it, as written.
        with device() as dev:
            with Config(dev) as cu:
                cu.load("set groups pyez interfaces ge-0/0/7 description from-pyez-group\n"
                        "set apply-groups pyez", format="set")
                cu.commit(comment="groups")
            try:
                plain = dev.rpc.get_config(options={"database": "committed"})
                self.assertIsNotNone(plain.find("groups"))
                self.assertIsNone(plain.find("interfaces/interface[name='ge-0/0/7']"))
                cfg = dev.rpc.get_config(options={"database": "committed", "inherit": "inherit"})
                self.assertIsNone(cfg.find("groups"))
                self.assertIsNone(cfg.find("apply-groups"))
                self.assertEqual(cfg.findtext("interfaces/interface[name='ge-0/0/7']/description"),
                                 "from-pyez-group")
            finally:
                with Config(dev) as cu:
                    cu.rollback(1)
                    cu.commit(comment="no groups")

    def test_private_mode(self):
        with device() as dev:
            with Config(dev, mode="private") as cu:
                cu.load("set system domain-name private.example", format="set")
                self.assertIn("domain-name private.example", cu.diff())
                cu.commit(comment="private")
            cfg = dev.rpc.get_config(options={"database": "committed", "format": "text"})
            self.assertIn("domain-name private.example;", cfg.text)

    def test_ephemeral_and_dynamic_refused(self):
        # gnos has neither database: opening one must fail, never fall
        # back to the normal candidate.
        with device() as dev:
            for kw in ({"mode": "ephemeral"}, {"mode": "ephemeral", "ephemeral_instance": "eph1"}, {"mode": "dynamic"}):
                with self.assertRaises(RpcError) as cm:
                    with Config(dev, **kw) as cu:
                        cu.load("set system domain-name ephemeral.example", format="set")
                        cu.commit()
                self.assertIn("does not support", str(cm.exception))
            cfg = dev.rpc.get_config(options={"database": "committed", "format": "text"})
            self.assertNotIn("ephemeral.example", cfg.text)

    def test_read_only_cannot_commit(self):
        with device(RO) as dev:
            self.assertIn("Hostname", dev.cli("show version", warning=False))
            with self.assertRaises((CommitError, RpcError)):
                Config(dev).commit()
        with device(OPER) as dev:
            with self.assertRaises((ConfigLoadError, RpcError)):
                Config(dev).load("set system host-name x", format="set")

    def test_rescue(self):
        with device() as dev:
            cu = Config(dev)
            self.assertTrue(cu.rescue("delete"))
            self.assertIsNone(cu.rescue("get"))
            self.assertFalse(cu.rescue("reload"))
            self.assertTrue(cu.rescue("save"))
            self.assertIn("host-name lab1;", cu.rescue("get"))
            xml = cu.rescue("get", format="xml")
            self.assertEqual(xml.findtext("configuration/system/host-name"), "lab1")
            cu.load("set system host-name not-rescue", format="set")
            self.assertIsNot(cu.rescue("reload"), False)  # the load reply
            self.assertIsNone(cu.diff())  # the rescue configuration is the committed one
            cu.rollback(0)
            self.assertTrue(cu.rescue("delete"))


if __name__ == "__main__":
    unittest.main()
