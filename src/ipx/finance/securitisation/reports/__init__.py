"""A run period's investor report: its figures (``figures``), as a trilingual PDF (``pdf``)
and as a workbook in the reader's language (``worksheet``), and who may have it (``access``)."""
