"""The ``jpki`` command line: one module per command group, one ``main()``."""
