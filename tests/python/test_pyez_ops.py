"""PyEZ's facts, utilities and operational tables against gnos, unmodified.

Each test reads what a PyEZ script reads from a Junos box: the facts (all
of them, none left None that a single-RE virtual MX sets), SW (which
needs the facts to construct), FS in the user's file area, and the
FpcInfoTable and ModuleTable views.
"""
import os
import unittest
import warnings

import yaml
import jnpr.junos.op
from jnpr.junos import Device
from jnpr.junos.factory.factory_loader import FactoryLoader
from jnpr.junos.utils.config import Config
from jnpr.junos.utils.fs import FS
from jnpr.junos.utils.sw import SW

from gnostest import ADMIN, HOST, PORT, need_server



def op_tables(name):
    """PyEZ's own table definitions (jnpr/junos/op/NAME.yml), loaded as
    jnpr.junos.op.NAME does; Debian's PyEZ calls yaml.load without a
    Loader, which PyYAML 6 refuses, so importing the module fails."""
    path = os.path.join(os.path.dirname(jnpr.junos.op.__file__), name + ".yml")
    with open(path) as f:
        return FactoryLoader().load(yaml.safe_load(f))


FPC = op_tables("fpc")
FpcInfoTable, FpcHwTable = FPC["FpcInfoTable"], FPC["FpcHwTable"]
ModuleTable = op_tables("inventory")["ModuleTable"]

CHASSIS = """
set chassis fpc 1 pic 0 adaptive-services service-package extension-provider data-cores 1
set chassis fpc 1 pic 0 adaptive-services service-package extension-provider object-cache-size 64
set chassis fpc 1 pic 0 adaptive-services service-package extension-provider policy-db-size 16
set chassis fpc 1 pic 0 adaptive-services service-package extension-provider package stateful-firewall
"""


def device(user=ADMIN):
    return Device(host=HOST, port=PORT, user=user[0], passwd=user[1],
                  gather_facts=True, normalize=True)


@need_server
class PyEZOps(unittest.TestCase):
    def setUp(self):
        warnings.simplefilter("ignore")

    def test_facts_complete(self):
        with device() as dev:
            f = dev.facts
            f._refresh()  # every fact, now
            self.assertEqual(f["model"], "VMX")
            self.assertEqual(f["personality"], "MX")
            self.assertIs(f["virtual"], True)
            self.assertEqual(f["ifd_style"], "CLASSIC")
            self.assertEqual(f["switch_style"], "NONE")
            self.assertIn("re0", f["current_re"])
            self.assertIn("master", f["current_re"])
            self.assertEqual(f["HOME"], "/home/admin")
            self.assertEqual(f["hostname"], "lab1")
            self.assertEqual(f["master"], "RE0")
            self.assertIs(f["2RE"], False)
            self.assertIs(f["vc_capable"], False)
            self.assertEqual(f["RE0"]["model"], "RE-VMX")
            self.assertEqual(f["RE0"]["mastership_state"], "master")
            self.assertRegex(f["RE0"]["up_time"], r"\d+ (second|minute|hour|day)")
            self.assertTrue(f["serialnumber"])
            self.assertEqual(f["version_RE0"], f["version"])
            self.assertIn("re0", f["junos_info"])
            none = sorted(k for k in ("personality", "current_re", "switch_style", "HOME", "virtual",
                                      "model", "version", "RE0", "re_info", "hostname", "serialnumber")
                          if f[k] is None)
            self.assertEqual(none, [])

    def test_sw(self):
        with device() as dev:
            sw = SW(dev)  # raised TypeError when personality was None
            self.assertEqual(sw._RE_list, ["re0"])
            self.assertFalse(sw._multi_RE)
            inv = sw.inventory
            self.assertEqual(inv["current"]["path"], "junos")
            self.assertIsNone(inv["rollback"])

    def test_fs(self):
        with device() as dev:
            fs = FS(dev)
            self.assertEqual(fs.pwd(), "/home/admin")
            dev.cli("show version | save pyez-fs.txt", warning=False)
            ls = fs.ls()
            self.assertEqual(ls["type"], "dir")
            self.assertEqual(ls["path"], "/home/admin/")
            self.assertIn("pyez-fs.txt", ls["files"])
            info = ls["files"]["pyez-fs.txt"]
            self.assertEqual(info["type"], "file")
            self.assertGreater(info["size"], 0)
            self.assertEqual(info["permissions_text"], "-rw-------")
            self.assertIn("Hostname: lab1", fs.cat("pyez-fs.txt"))
            self.assertTrue(fs.cp("pyez-fs.txt", "copy.txt"))
            self.assertEqual(fs.cat("copy.txt"), fs.cat("pyez-fs.txt"))
            self.assertTrue(fs.mv("copy.txt", "moved.txt"))
            self.assertIsNone(fs.cat("copy.txt"))
            self.assertEqual(fs.stat("moved.txt")["type"], "file")
            self.assertTrue(fs.rm("moved.txt"))
            self.assertIsNone(fs.ls("moved.txt"))
            self.assertFalse(fs.cp("no-such-file", "x"))
            self.assertIsNone(fs.cat("../../../../etc/shadow"))
            usage = fs.storage_usage()
            self.assertEqual(len(usage), 1)
            (name, u), = usage.items()
            self.assertEqual(u["mount"], "/")
            self.assertGreater(u["total_blocks"], u["used_blocks"])
            self.assertRegex(u["used_pct"], r"^\d+$")
            self.assertIn("re0", fs.cat("/etc/hosts.junos"))

    def test_fpc_and_inventory_tables(self):
        with device() as dev:
            with Config(dev) as cu:
                cu.load(CHASSIS, format="set")
                cu.commit(comment="an FPC for the tables")
            try:
                fpcs = FpcInfoTable(dev).get()
                self.assertEqual(fpcs.keys(), ["1"])
                self.assertIn(fpcs["1"].state, ("Online", "Offline"))
                self.assertEqual(fpcs["1"].memory, fpcs["1"].memory)  # read, int-like
                hw = FpcHwTable(dev).get()
                self.assertEqual(hw.keys(), ["FPC 1"])
                self.assertEqual(hw["FPC 1"].desc, "MS-MPC")
                self.assertTrue(hw["FPC 1"].sn)
                mods = {m.jname: m for m in ModuleTable(dev).get()}
                for want in ("Routing Engine 0", "FPC 1", "CPU", "PIC 0"):
                    self.assertIn(want, mods)
                self.assertEqual(mods["Routing Engine 0"].type, "RE-VMX")
                self.assertTrue(mods["Routing Engine 0"].sn)
                self.assertEqual(mods["PIC 0"].type, "MS-MPC-PIC")
                self.assertEqual(mods["PIC 0"].pn, "BUILTIN")
            finally:
                cu = Config(dev)
                cu.load("delete chassis", format="set")
                cu.commit(comment="no FPC")

    def test_system_rpcs(self):
        other = device()
        other.open()
        with device() as dev:
            users = dev.rpc.get_system_users_information()
            entries = users.findall(".//user-entry")
            mine = [e for e in entries if e.findtext("user") == "admin" and e.findtext("from") == "127.0.0.1"]
            self.assertEqual(len(mine), 2)  # both NETCONF sessions
            self.assertIn("netconf", mine[0].findtext("command"))
            self.assertEqual(users.findtext(".//active-user-count"), str(len(entries)))
            up = dev.rpc.get_system_uptime_information()
            self.assertTrue(up.findtext("current-time/date-time"))
            self.assertTrue(up.find("system-booted-time/time-length").get("seconds").isdigit())
            mem = dev.rpc.get_system_memory_information()
            self.assertGreater(int(mem.findtext(".//system-memory-total")), 0)
            alarms = dev.rpc.get_system_alarm_information()
            self.assertIn("Rescue configuration is not set",
                          [a.findtext("alarm-description") for a in alarms.findall("alarm-detail")])
            procs = dev.rpc.get_system_process_information(extensive=True)
            self.assertIn("configd", procs.findtext(".//process/command"))
            self.assertTrue(dev.rpc.get_configuration_database_usage_information().findtext("database-current-size"))
            # other logged in first, so it has the lower session number
            first = min(int(e.findtext("session-id")) for e in mine)
            dev.rpc.request_logout_user(session=str(first))
            with self.assertRaises(Exception):
                other.rpc.get_software_information()
            self.assertEqual(len(dev.rpc.get_system_users_information().findall(".//user-entry")), len(entries) - 1)
        try:
            other.close()
        except Exception:
            pass

    def test_display_xml_rpc(self):
        with device() as dev:
            rpc = dev.display_xml_rpc("show interfaces terse ge-0/0/0")
            self.assertEqual(rpc.tag, "get-interface-information")
            self.assertIsNotNone(rpc.find("terse"))
            self.assertEqual(rpc.findtext("interface-name"), "ge-0/0/0")
            self.assertEqual(dev.display_xml_rpc("show version").tag, "get-software-information")


if __name__ == "__main__":
    unittest.main()
