"""The report as PDF, rendered from its HTML page by WeasyPrint (A4, the page's print
styles; the inline SVG figures stay vector graphics)."""

from __future__ import annotations


def html_to_pdf(page: str) -> bytes:
    """PDF bytes of an HTML page that needs no network (everything inline)."""
    from weasyprint import HTML  # imported on use: it loads Pango, which a PDF needs only

    pdf = HTML(string=page, base_url=None).write_pdf()
    assert pdf is not None
    return bytes(pdf)
