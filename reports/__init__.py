"""Official notices (GB/T 9704-2012 PDF) and Excel exports from plain view-models (R-RPT-1, R-RPT-2)."""
