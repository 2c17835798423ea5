"""Date, time and number formats (``FORMAT_MODULE_PATH``): Kazakh, which Django ships none for, and
the Russian date input formats (see each module)."""
