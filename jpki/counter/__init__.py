"""The counter desk: a local web page for the staff who diagnose cards at the counter.

``jpki counter`` serves it on the loopback interface. The package is split by job:

- :mod:`~jpki.counter.sources`: where readers and cards come from (PC/SC through
  :class:`apdu.pcsc.ReaderWatcher`, or one simulated reader);
- :mod:`~jpki.counter.desk`: what the page shows for each reader (the diagnosis, the clerk's
  inputs), the events, and the clearing of a resident's data on card removal or when idle;
- :mod:`~jpki.counter.watch`: the thread that turns reader changes into desk updates;
- :mod:`~jpki.counter.form`: the clerk's form, checked, as diagnosis circumstances;
- :mod:`~jpki.counter.timeline`: the timeline picture (SVG) drawn from the report JSON;
- :mod:`~jpki.counter.view`: the values the templates render (texts through :mod:`jpki.texts`);
- :mod:`~jpki.counter.security`: Host, Origin and token checks and the response headers;
- :mod:`~jpki.counter.app`: the routes (Starlette); :mod:`~jpki.counter.server`: the
  loopback sockets and uvicorn.

Starlette, uvicorn and Jinja2 (the ``counter`` extra) are imported only by ``app``,
``security`` and ``server``, which only ``jpki counter`` loads.
"""
