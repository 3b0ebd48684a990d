"""What finance takes away: the plan's tables, workbook, provenance, spreadsheet formats and
charts."""
