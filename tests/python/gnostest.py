"""Shared settings of the gnos NETCONF client tests.

The Go test netconf/python_test.go boots a gnos node on a temporary
directory and runs these tests with GNOS_HOST and GNOS_PORT pointing at its
SSH server; the accounts below are the ones it commits.
"""
import os
import unittest

HOST = os.environ.get("GNOS_HOST", "127.0.0.1")
PORT = int(os.environ.get("GNOS_PORT", "0"))
ADMIN = ("admin", "admin123")   # class super-user
OPER = ("oper", "oper123")      # class operator
RO = ("ro", "ro123")            # class read-only


def need_server(cls):
    """Skip a test class when no gnos server was given."""
    if PORT == 0:
        return unittest.skip("GNOS_PORT not set (run through `go test ./netconf`)")(cls)
    return cls
