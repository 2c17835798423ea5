"""Money after a run is approved: its posting to the ledger, payment files to the bank and the bank's
confirmations (see :mod:`distribution.payouts.posting`, :mod:`distribution.payouts.actions`)."""
