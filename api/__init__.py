"""The read-only content API under ``/api/v1/``: IPTC ninjs 2.1 items for partners, apps and
syndication, behind API keys created in the desk (docs/api.md)."""
