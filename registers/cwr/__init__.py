"""Common Works Registration (CISAC CWR 2.1 and 2.2): our own fixed-width records and writers.

- :mod:`registers.cwr.records` — the record layouts (field name, start column, length);
- the reader, a file into transactions of works with every bad line named, is a reader of the
  imports: :mod:`registers.importing.cwr` (it yields the imports' rows; this package imports nothing
  from :mod:`registers.importing`, which uses it);
- :mod:`registers.cwr.writer` — works into a CWR 2.1 registration file (NWR transactions);
- :mod:`registers.cwr.ack` — the acknowledgement (ACK) file for an imported file.
"""
