"""A detached CMS and a PDF signature in one process: asn1crypto's attribute names stay known."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_a_cms_signature_before_a_pdf_one_keeps_the_signing_certificate_attribute() -> None:
    # asn1crypto builds the reverse of an OID map once, on first use. jpki.cms used first (a
    # CMS signature) must not freeze it before asn1crypto.tsp has added signing_certificate_v2,
    # which every PAdES signature names.
    code = textwrap.dedent(
        """
        import jpki.cms
        from asn1crypto import cms
        cms.CMSAttributeType.unmap("content_type")  # what a CMS signature does first
        import pyhanko.sign.signers  # then a PDF signature
        print(cms.CMSAttributeType.unmap("signing_certificate_v2"))
        """
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "1.2.840.113549.1.9.16.2.47"
