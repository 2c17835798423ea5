"""Notices: the one way the platform tells a person something happened.

:func:`udp.notices.actions.notify` stores a notice for its recipient as a code and parameters (never
translated text: each reader reads it in their own language, like the coded reasons of
:mod:`udp.audit`) and, for the kinds that say so, e-mails it after the transaction commits, in the
recipient's language and signed by the platform. Kinds are registered once, in :mod:`udp.notices.kinds`.
Every signed-in account has a bell in the header (its unread count), a list at ``/notices/`` and the
same in the API (``/api/notices/``).
"""
