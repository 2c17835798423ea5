"""Users' usage reports (Art. 44.2-1): readers for the CSV/XLSX template, JSON and the DDEX DSR flat file, and
the pipeline that streams a file of millions of lines into the partitioned usage table (:mod:`.ingest`)."""
