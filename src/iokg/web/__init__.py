"""The HTML pages: templates, their presentation helpers, SVG pictures, and the page routes.

The JSON API lives apart, in `iokg.api`; both read the same core (`iokg.provenance`,
`iokg.browse`, `iokg.search`, `iokg.releases`, `iokg.datasets`).
"""
