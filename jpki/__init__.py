"""The JPKI client: read, verify, sign and diagnose a My Number Card over any connection."""
