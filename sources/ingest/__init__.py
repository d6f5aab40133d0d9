"""The import pipeline: from files to stories and versions.

``inputs`` reads files (only regular files inside the given root), ``pipeline`` batches them (parse,
identify, plan, write), ``mapping`` decides what a parsed story becomes as an article, ``store``
writes it, ``dropfolder`` runs the pipeline over a folder agencies deliver into. The parsers are in
``sources.wire``; the editor's decision on a waiting version is ``sources.triage``.
"""
