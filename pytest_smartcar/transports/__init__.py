"""Transports: the engine, reached from every HTTP client, and the guard around them.

One module per client (:mod:`.httpx`, :mod:`.requests`, :mod:`.aiohttp`) patches the one
place where that client hands a request to its transport; :mod:`.guard` decides the
answer (the innermost active engine first, falling back outward, or a refusal) and
refuses to resolve Smartcar's hosts for every other client; :mod:`.install` puts the
patches in place once per session, or when a client is first imported.
"""
