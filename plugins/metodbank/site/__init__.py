"""Engine-independent site generation: the pages, charts and data files the
bank publishes, rendered from Jinja2 templates (autoescaped) to Markdown/HTML
strings. The MkDocs adapter only hands these to MkDocs as files."""
