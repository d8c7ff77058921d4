"""The wire layer: a catalog entry in, the HTTP response one API version sends out.

One module per format: :mod:`~pytest_smartcar.wire.v2` (the v2.0 flat error object),
:mod:`~pytest_smartcar.wire.legacy` (v1.0), :mod:`~pytest_smartcar.wire.oauth` (token
endpoint errors) and :mod:`~pytest_smartcar.wire.gateway` (the HTML pages of a load
balancer); :mod:`~pytest_smartcar.wire.common` holds what they share. Every builder
returns a neutral :class:`~pytest_smartcar.exchange.Reply`; nothing here imports an HTTP
client. The engine picks the format from the API version the request called.
"""
