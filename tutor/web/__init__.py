"""The tutor in a browser: ``dltutor serve`` (textual-serve) and the JupyterHub launcher entry.

Each browser tab gets its own app process, started as ``python -m tutor`` with Textual's web driver; the
processes share the user's data folder, so progress is saved exactly as in the terminal. Nothing here is
imported by the terminal app: the ``web`` extra (``pip install 'dltutor[web]'``) is only needed to serve.
"""
