"""One module per classification step of the International Standards (2019)."""
