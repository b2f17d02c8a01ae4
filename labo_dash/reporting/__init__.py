"""Reporting: the monthly report (data, PDF, workbook), the print-ready review, open data,
badges, PDF fonts.
"""
