"""PyEZ's operational tables (jnpr.junos.op.*) against gnos, unmodified.

Each table sends its RPC with the arguments its YAML names (ArpTable
<no-resolve/>, EthPortTable <media/> and a wildcard interface-name, …) and
reads the element paths its view names; every row is checked against what
the CLI prints for the same data.
"""
import os
import re
import unittest
import warnings

import yaml

import jnpr.junos.op
from jnpr.junos import Device
from jnpr.junos.factory.factory_loader import FactoryLoader
from jnpr.junos.utils.config import Config

from gnostest import ADMIN, HOST, PORT, need_server


def op_tables(name):
    """The tables of PyEZ's jnpr/junos/op/NAME.yml, as PyEZ builds them.

    Debian's PyEZ loads these files with yaml.load() and no Loader, which
    PyYAML 6 refuses, so `from jnpr.junos.op.arp import ArpTable` fails
    there; this reads the same unmodified files with PyEZ's own loader.
    """
    path = os.path.join(os.path.dirname(jnpr.junos.op.__file__), name + ".yml")
    with open(path) as f:
        return FactoryLoader().load(yaml.safe_load(f))


_t = {}
for _name in ("routes", "arp", "nd", "lldp", "ethport", "phyport"):
    _t.update(op_tables(_name))
RouteTable, RouteSummaryTable = _t["RouteTable"], _t["RouteSummaryTable"]
ArpTable, NdTable, LLDPNeighborTable = _t["ArpTable"], _t["NdTable"], _t["LLDPNeighborTable"]
EthPortTable, PhyPortTable = _t["EthPortTable"], _t["PhyPortTable"]

SETUP = """
set interfaces ge-0/0/0 description uplink
set interfaces ge-0/0/0 unit 0 family inet address 192.0.2.1/24
set interfaces ge-0/0/0 unit 0 family inet6 address 2001:db8::1/64
set interfaces ge-0/0/1 disable
set interfaces ge-0/0/1 unit 0 family inet address 198.51.100.1/24
set interfaces lo0 unit 0 family inet address 10.255.0.1/32
set routing-options static route 0.0.0.0/0 next-hop 192.0.2.254
set routing-options static route 10.9.0.0/16 discard
"""


@need_server
class Tables(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        warnings.simplefilter("ignore")
        cls.dev = Device(host=HOST, port=PORT, user=ADMIN[0], passwd=ADMIN[1], gather_facts=False)
        cls.dev.open()
        with Config(cls.dev) as cu:
            cu.load(SETUP, format="set")
            cu.commit(comment="tables")

    @classmethod
    def tearDownClass(cls):
        with Config(cls.dev) as cu:
            cu.rollback(1)
            cu.commit(comment="tables done")
        cls.dev.close()

    def cli(self, cmd):
        return self.dev.cli(cmd, warning=False)

    def test_route_table(self):
        routes = RouteTable(self.dev).get()
        text = self.cli("show route")
        # every destination of the CLI is a row, and nothing else
        cli_dests = re.findall(r"^(\S+/\d+)\s+[*+ -]?\[", text, re.M)
        self.assertEqual(sorted(routes.keys()), sorted(cli_dests))
        self.assertIn("0.0.0.0/0", routes)
        default = routes["0.0.0.0/0"]
        self.assertEqual(default.protocol, "Static")
        self.assertEqual(default.nexthop, "192.0.2.254")
        self.assertEqual(default.via, "ge-0/0/0.0")
        self.assertIsInstance(default.age, int)
        self.assertEqual(routes["192.0.2.0/24"].protocol, "Direct")
        self.assertEqual(routes["192.0.2.0/24"].via, "ge-0/0/0.0")
        self.assertEqual(routes["192.0.2.1/32"].protocol, "Local")
        self.assertEqual(routes["192.0.2.1/32"].via, "ge-0/0/0.0")  # nh-local-interface
        for row in routes:
            dest = row.name
            block = re.search(r"^%s\s+\*\[(\w+)/\d+\]" % re.escape(dest), text, re.M)
            self.assertIsNotNone(block, dest)
            self.assertEqual(block.group(1), row.protocol, dest)
        # args_key: a destination
        one = RouteTable(self.dev).get("10.9.1.1")
        self.assertEqual(list(one.keys()), ["10.9.0.0/16"])

    def test_route_summary_table(self):
        summary = RouteSummaryTable(self.dev).get()
        text = self.cli("show route summary")
        for table in summary:
            m = re.search(r"^%s: (\d+) destinations, (\d+) routes \((\d+) active" % re.escape(table.name), text, re.M)
            self.assertIsNotNone(m, table.name)
            self.assertEqual((table.dests, table.total, table.active), tuple(int(g) for g in m.groups()))
            self.assertIn("Direct", table.proto.keys())

    def test_eth_and_phy_port_tables(self):
        for cls in (EthPortTable, PhyPortTable):
            ports = cls(self.dev).get()
            self.assertEqual(sorted(ports.keys()), ["ge-0/0/0", "ge-0/0/1"], cls.__name__)
            for port in ports:
                name = port.name
                text = self.cli("show interfaces %s" % name)
                m = re.search(r"^Physical interface: (\S+), (Enabled|Administratively down), Physical link is (\w+)", text, re.M)
                self.assertEqual(m.group(1), name)
                self.assertEqual(port.admin, "down" if m.group(2) != "Enabled" else "up")
                self.assertEqual(port.oper, m.group(3).lower())
                mtu = re.search(r"MTU: (\d+)", text).group(1)
                self.assertEqual(port.mtu, int(mtu))
                desc = re.search(r"^  Description: (.*)$", text, re.M)
                self.assertEqual(port.description, desc.group(1) if desc else None)
                self.assertEqual(port.link_mode, "Full-duplex")
            if cls is EthPortTable:
                self.assertEqual(ports["ge-0/0/0"].rx_packets, "0")
                self.assertTrue(ports["ge-0/0/0"].present)
                self.assertFalse(ports["ge-0/0/0"].running)  # no live link
            else:
                self.assertEqual(ports["ge-0/0/0"].flapped, "Never")
                self.assertEqual(ports["ge-0/0/0"].speed, "Unspecified")

    def test_neighbor_tables(self):
        # without the live data plane the tables are empty, and say so
        arp = ArpTable(self.dev).get()
        self.assertEqual(len(arp), 0)
        self.assertIn("Total entries: 0", self.cli("show arp no-resolve"))
        nd = NdTable(self.dev).get()
        self.assertEqual(len(nd), 0)
        self.assertIn("Total entries: 0", self.cli("show ipv6 neighbors"))
        lldp = LLDPNeighborTable(self.dev).get()
        self.assertEqual(len(lldp), 0)
        self.assertTrue(self.cli("show lldp neighbors").strip().startswith("Local Interface"))

    def test_interface_information_detail(self):
        # Ansible junos_facts gather_subset interfaces asks for <detail/>
        reply = self.dev.rpc.get_interface_information(detail=True)
        names = [p.findtext("name").strip() for p in reply.findall("physical-interface")]
        self.assertEqual(names, ["ge-0/0/0", "ge-0/0/1", "lo0"])
        ge0 = reply.find("physical-interface")
        self.assertEqual(ge0.findtext("traffic-statistics/input-bytes").strip(), "0")
        addr = ge0.find("logical-interface/address-family/interface-address")
        self.assertEqual(addr.findtext("ifa-local").strip(), "192.0.2.1")
        self.assertEqual(addr.findtext("ifa-destination").strip(), "192.0.2/24")

    def test_ping_without_live_data_plane(self):
        from jnpr.junos.exception import RpcError
        with self.assertRaises(RpcError) as e:
            self.dev.rpc.ping(host="192.0.2.254", count="1")
        self.assertIn("live data plane", str(e.exception))


if __name__ == "__main__":
    unittest.main()


LIVE = os.environ.get("GNOS_LIVE") == "1"


@need_server
@unittest.skipUnless(LIVE, "GNOS_LIVE not set (run through `go test ./lab`, as root)")
class LiveTables(unittest.TestCase):
    """The tables against a router in the lab (lab/pyez_live_test.go):
    the kernel's neighbours and routes, learned by pinging through PyEZ."""

    @classmethod
    def setUpClass(cls):
        warnings.simplefilter("ignore")
        cls.dev = Device(host=HOST, port=PORT, user=ADMIN[0], passwd=ADMIN[1], gather_facts=False)
        cls.dev.open()

    @classmethod
    def tearDownClass(cls):
        cls.dev.close()

    def test_ping_then_neighbors(self):
        for host in (os.environ["GNOS_SERVER"], os.environ["GNOS_SERVER6"]):
            reply = self.dev.rpc.ping(host=host, count="2", rapid=True)
            self.assertEqual(reply.findtext("probe-results-summary/responses-received").strip(), "2", host)
            self.assertIsNotNone(reply.find("ping-success"), host)
        arp = ArpTable(self.dev).get()
        text = self.dev.cli("show arp no-resolve", warning=False)
        cli_rows = re.findall(r"^([0-9a-f:]{17}) +(\S+) +(\S+) +\S+$", text, re.M)
        rows = sorted((r.mac_address, r.ip_address, r.interface_name) for r in arp)
        # the kernel may learn a neighbour between the two reads (router
        # solicitations): every row is in the CLI read after it
        self.assertLessEqual(set(rows), set(cli_rows))
        self.assertIn(os.environ["GNOS_SERVER"], [r[1] for r in rows])
        nd = NdTable(self.dev).get()
        text6 = self.dev.cli("show ipv6 neighbors", warning=False)
        cli6 = re.findall(r"^(\S+) +([0-9a-f:]{17}) +\S+ +\S+ +(yes|no) +\S+ +(\S+)$", text6, re.M)
        rows6 = sorted((r.ip_address, r.mac_address, r.router, r.interface_name) for r in nd)
        self.assertLessEqual(set(rows6), set(cli6))
        self.assertIn(os.environ["GNOS_SERVER6"], [r[0] for r in rows6])

    def test_routes_with_kernel_routes(self):
        routes = RouteTable(self.dev).get()
        kernel = routes["203.0.113.0/24"]
        self.assertEqual((kernel.protocol, kernel.nexthop, kernel.via), ("Kernel", os.environ["GNOS_SERVER"], "ge-0/0/1.0"))
        cli_dests = re.findall(r"^(\S+/\d+)\s+[*+ -]?\[", self.dev.cli("show route", warning=False), re.M)
        self.assertEqual(sorted(set(routes.keys())), sorted(set(cli_dests)))
