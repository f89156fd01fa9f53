"""ncclient (device_params junos) against gnos, unmodified."""
import unittest

from lxml import etree
from ncclient import manager
from ncclient.operations.rpc import RPCError
from ncclient.transport.errors import AuthenticationError

from gnostest import ADMIN, HOST, PORT, RO, need_server


def connect(user=ADMIN):
    return manager.connect(host=HOST, port=PORT, username=user[0], password=user[1],
                           hostkey_verify=False, allow_agent=False, look_for_keys=False,
                           device_params={"name": "junos"}, timeout=30)


@need_server
class NcclientJunos(unittest.TestCase):
    def test_get_configuration(self):
        with connect() as m:
            c = m.get_configuration(format="xml")
            self.assertEqual(c.xpath("//configuration/system/host-name")[0].text, "lab1")
            t = m.get_configuration(format="text")
            self.assertIn("host-name lab1;", t.xpath("//configuration-text")[0].text)
            f = m.get_configuration(format="xml", filter=etree.XML("<configuration><system><login/></system></configuration>"))
            self.assertTrue(f.xpath("//configuration/system/login/user"))
            self.assertFalse(f.xpath("//configuration/system/host-name"))

    def test_load_compare_commit_rollback(self):
        with connect() as m:
            m.lock()
            m.load_configuration(action="set", config=["set system domain-name nc.example"])
            m.load_configuration(format="text", config="system { time-zone UTC; }")
            m.load_configuration(format="xml", config=etree.XML(
                "<configuration><system><host-name>nc1</host-name></system></configuration>"))
            diff = m.compare_configuration(rollback=0).xpath("//configuration-output")[0].text
            self.assertIn("+  domain-name nc.example;", diff)
            self.assertIn("+  host-name nc1;", diff)
            m.validate(source="candidate")
            m.commit(check=True)
            m.commit(comment="from ncclient")
            m.commit(confirmed=True, timeout="300", comment="confirmed from ncclient")
            m.commit()  # confirms
            m.rollback(rollback=3)
            diff = m.compare_configuration(rollback=0).xpath("//configuration-output")[0].text
            self.assertIn("-  host-name nc1;", diff)
            m.commit(comment="rolled back")
            m.unlock()
            c = m.get_configuration(format="xml")
            self.assertEqual(c.xpath("//configuration/system/host-name")[0].text, "lab1")

    def test_command(self):
        with connect() as m:
            x = m.command("show version", format="xml")
            self.assertEqual(x.xpath("//software-information/host-name")[0].text, "lab1")
            t = m.command("show version", format="text")
            self.assertIn("Hostname: lab1", t.xpath("//output")[0].text)
            r = m.rpc(etree.XML("<get-commit-information/>"))
            self.assertTrue(r.xpath("//commit-information/commit-history"))

    def test_errors(self):
        with connect() as m:
            with self.assertRaises(RPCError):
                m.rpc(etree.XML("<get-the-moon/>"))
            with self.assertRaises(RPCError):
                m.load_configuration(action="set", config=["set system no-such-statement 1"])
            m.get_configuration(format="text")  # still serving
        with connect(RO) as m:
            with self.assertRaises(RPCError) as cm:
                m.commit()
            self.assertIn("permission denied", str(cm.exception))
        with self.assertRaises(AuthenticationError):
            connect(("admin", "wrong-password"))


if __name__ == "__main__":
    unittest.main()
