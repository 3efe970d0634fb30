"""The MkDocs adapter: hands the core's pages and data files to MkDocs."""
