"""RFC 6241 conformance through ncclient (device_params default and junos)."""
import unittest

from lxml import etree
from ncclient import manager
from ncclient.operations.rpc import RPCError

from gnostest import ADMIN, HOST, PORT, RO, need_server

NS = {"nc": "urn:ietf:params:xml:ns:netconf:base:1.0"}


def connect(user=ADMIN, device="junos"):
    return manager.connect(host=HOST, port=PORT, username=user[0], password=user[1],
                           hostkey_verify=False, allow_agent=False, look_for_keys=False,
                           device_params={"name": device}, timeout=30)


def config(body):
    return ('<config xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0">'
            "<configuration>%s</configuration></config>" % body)


GE0 = "<interface><name>ge-0/0/3</name>"


def candidate_mtu(m):
    c = m.get_configuration(format="xml", filter=etree.XML(
        "<configuration><interfaces><interface><name>ge-0/0/3</name></interface></interfaces></configuration>"))
    mtu = c.xpath("//interface[name='ge-0/0/3']/mtu")
    return mtu[0].text if mtu else None


def mtus(m, source):
    """ge-0/0/3's mtu in source, through a standard get-config."""
    r = m.get_config(source=source, filter=("xpath", "/configuration/interfaces/interface[name='ge-0/0/3']/mtu"))
    return [e.text for e in r.data_ele.iter("{*}mtu")]


@need_server
class Conformance(unittest.TestCase):
    def setUp(self):
        with connect() as m:
            m.edit_config(target="candidate", config=config(
                "<interfaces>" + GE0 + "<description>ncclient</description><mtu>1500</mtu></interface></interfaces>"))
            m.commit()

    def test_default_operation_none(self):
        with connect() as m:
            m.edit_config(target="candidate", default_operation="none", config=config(
                "<interfaces>" + GE0 + '<mtu>1600</mtu><description nc:operation="merge">none</description></interface></interfaces>'))
            self.assertEqual(candidate_mtu(m), "1500")
            m.discard_changes()

    def test_delete_missing_is_data_missing(self):
        with connect() as m:
            with self.assertRaises(RPCError) as cm:
                m.edit_config(target="candidate", config=config(
                    '<interfaces><interface nc:operation="delete"><name>ge-0/0/9</name></interface></interfaces>'))
            self.assertEqual(cm.exception.tag, "data-missing")
            self.assertEqual(cm.exception.path.strip(), "/configuration/interfaces/interface[name='ge-0/0/9']")

    def test_create_existing_is_data_exists(self):
        with connect() as m:
            with self.assertRaises(RPCError) as cm:
                m.edit_config(target="candidate", config=config(
                    '<interfaces><interface nc:operation="create"><name>ge-0/0/3</name></interface></interfaces>'))
            self.assertEqual(cm.exception.tag, "data-exists")

    def test_test_only(self):
        with connect() as m:
            m.edit_config(target="candidate", test_option="test-only", config=config(
                "<interfaces>" + GE0 + "<mtu>1600</mtu></interface></interfaces>"))
            self.assertEqual(candidate_mtu(m), "1500")

    def test_continue_on_error(self):
        with connect() as m:
            with self.assertRaises(RPCError) as cm:
                m.edit_config(target="candidate", error_option="continue-on-error", config=config(
                    '<interfaces><interface nc:operation="delete"><name>ge-0/0/9</name></interface>'
                    + GE0 + "<mtu>1700</mtu></interface></interfaces>"))
            self.assertEqual(cm.exception.tag, "data-missing")
            self.assertEqual(candidate_mtu(m), "1700")
            m.discard_changes()

    def test_rollback_on_error(self):
        with connect() as m:
            with self.assertRaises(RPCError):
                m.edit_config(target="candidate", error_option="rollback-on-error", config=config(
                    "<interfaces>" + GE0 + '<mtu>1700</mtu></interface><interface nc:operation="delete"><name>ge-0/0/9</name></interface></interfaces>'))
            self.assertEqual(candidate_mtu(m), "1500")

    def test_unknown_element(self):
        with connect() as m:
            with self.assertRaises(RPCError) as cm:
                m.edit_config(target="candidate", config=config("<interfaces>" + GE0 + "<speed>1</speed></interface></interfaces>"))
            self.assertEqual(cm.exception.tag, "unknown-element")
            self.assertEqual(cm.exception.xml.findtext(".//{*}bad-element"), "speed")

    def test_xpath_filter(self):
        with connect(device="default") as m:
            self.assertIn("urn:ietf:params:netconf:capability:xpath:1.0", m.server_capabilities)
            r = m.get_config(source="running", filter=("xpath", "/configuration/system/host-name"))
            data = r.data_ele
            self.assertEqual([e.text for e in data.iter("{*}host-name")], ["lab1"])
            self.assertEqual(list(data.iter("{*}login")), [])
        with connect(RO, device="default") as m:
            r = m.get_config(source="running", filter=("xpath", "/configuration/system/login/user[name='admin']"))
            self.assertEqual([e.text for e in r.data_ele.iter("{*}encrypted-password")], ["/* SECRET-DATA */"])

    def test_subtree_filter(self):
        with connect(device="default") as m:
            r = m.get_config(source="running", filter=("subtree",
                "<configuration><interfaces><interface><name>ge-0/0/3</name><mtu/></interface></interfaces></configuration>"))
            self.assertEqual([e.text for e in r.data_ele.iter("{*}mtu")], ["1500"])
            self.assertEqual(list(r.data_ele.iter("{*}description")), [])

    def test_lock_denied_names_holder(self):
        with connect() as a, connect() as b:
            a.lock(target="candidate")
            try:
                with self.assertRaises(RPCError) as cm:
                    b.lock(target="candidate")
                self.assertEqual(cm.exception.tag, "lock-denied")
                self.assertEqual(cm.exception.xml.findtext(".//{*}session-id"), str(a.session_id))
            finally:
                a.unlock(target="candidate")

    def test_monitoring(self):
        mon = "urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring"
        with connect(device="default") as m:
            self.assertTrue(any(c.startswith(mon) for c in m.server_capabilities))
            self.assertIn("module gnos-system", m.get_schema("gnos-system").data)
            with self.assertRaises(RPCError) as cm:
                m.get_schema("no-such-module")
            self.assertEqual(cm.exception.tag, "invalid-value")
            r = m.get(filter=("subtree", '<netconf-state xmlns="%s"><sessions/><schemas/></netconf-state>' % mon))
            sessions = r.data_ele.findall(".//{%s}session" % mon)
            self.assertIn(str(m.session_id), [s.findtext("{%s}session-id" % mon) for s in sessions])
            ids = [s.findtext("{%s}identifier" % mon) for s in r.data_ele.iter("{%s}schema" % mon)]
            self.assertIn("gnos-interfaces", ids)
            self.assertEqual(list(r.data_ele.iter("{*}configuration")), [])

    def test_with_defaults(self):
        with connect(device="default") as m:
            m.edit_config(target="candidate", config=config("<system><services><netconf><ssh/></netconf></services></system>"))
            m.commit()
            f = ("subtree", "<configuration><system><services/></system></configuration>")
            ports = lambda mode: [e.text for e in m.get_config(source="running", filter=f, with_defaults=mode).data_ele.iter("{*}port")]
            self.assertEqual(ports("explicit"), [])
            self.assertEqual(ports("report-all"), ["830"])
            self.assertEqual(ports("trim"), [])
            m.edit_config(target="candidate", config=config('<system><services nc:operation="remove"/></system>'))
            m.commit()

    def test_commit_cancel_copy_discard(self):
        with connect(device="default") as m:
            with self.assertRaises(RPCError):
                m.cancel_commit()  # nothing pending
            m.edit_config(target="candidate", config=config("<interfaces>" + GE0 + "<mtu>1800</mtu></interface></interfaces>"))
            m.validate(source="candidate")
            m.commit(confirmed=True, timeout="120")
            m.cancel_commit()
            self.assertEqual(mtus(m, "running"), ["1500"])
            m.edit_config(target="candidate", config=config("<interfaces>" + GE0 + "<mtu>1900</mtu></interface></interfaces>"))
            m.copy_config(source="running", target="candidate")
            self.assertEqual(mtus(m, "candidate"), ["1500"])
            m.edit_config(target="candidate", config=config("<interfaces>" + GE0 + "<mtu>1900</mtu></interface></interfaces>"))
            m.discard_changes()
            self.assertEqual(mtus(m, "candidate"), ["1500"])


if __name__ == "__main__":
    unittest.main()
