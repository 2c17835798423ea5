"""Common Works Registration (CISAC CWR 2.1 and 2.2): our own fixed-width reader and writers.

- :mod:`registers.cwr.records` — the record layouts (field name, start column, length);
- :mod:`registers.cwr.reader` — a file into transactions of works, with every bad line named;
- :mod:`registers.cwr.writer` — works into a CWR 2.1 registration file (NWR transactions);
- :mod:`registers.cwr.ack` — the acknowledgement (ACK) file for an imported file.
"""
