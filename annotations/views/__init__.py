"""Pages: the editor's loop in the browser, one module per part of it.

Every page needs a signed-in user; every change needs an editor or admin (``editor_required``)
and a POST. With htmx, a view answers with the part of the page that changed (a
django-template-partials partial, ``"page.html#part"``); without it, with the whole page or
a redirect, so every URL still works as a plain link or form.

``highlight`` and ``common`` hold what the pages share; ``articles``, ``quotes``,
``directory`` (speakers and outlets), ``entities`` (their duplicates, merges and edits),
``transfer`` (import and export), ``workflow``, ``history``, ``revisions``, ``deleted`` and
``jobs`` each hold one part. ``urls.py`` imports the modules themselves.
"""
